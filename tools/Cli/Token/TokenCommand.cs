using System.CommandLine;
using Portcullis.Cli.Dev;

namespace Portcullis.Cli.Token;

/// <summary>
/// <c>portcullis token</c>: mints a JWT from the local dev issuer (the key <c>portcullis dev</c>
/// publishes), to call the sample config's JWT-protected route. Local development only.
/// </summary>
internal static class TokenCommand
{
    public static Command Create(TimeProvider time)
    {
        var subject = new Option<string>("--sub") { Description = "The token's subject (sub)", DefaultValueFactory = _ => "alice" };
        var audience = new Option<string[]>("--aud") { Description = "Audience (repeat for a list)", DefaultValueFactory = _ => [DevIssuerKey.DefaultAudience], AllowMultipleArgumentsPerToken = true };
        var issuer = new Option<string>("--iss") { Description = "The token's issuer (iss)", DefaultValueFactory = _ => DevIssuerKey.DefaultIssuer };
        var lifetime = new Option<int>("--ttl") { Description = "Lifetime in seconds", DefaultValueFactory = _ => 3600 };
        var claims = new Option<string[]>("--claim") { Description = "An extra string claim, name=value (repeatable)", DefaultValueFactory = _ => [] };
        var keyFile = new Option<string>("--key-file") { Description = "The dev issuer's key", DefaultValueFactory = _ => DevIssuerKey.DefaultPath };
        var command = new Command("token", "Mint a JWT from the local dev issuer that 'portcullis dev' serves (local development only).")
        {
            subject, audience, issuer, lifetime, claims, keyFile,
        };
        command.SetAction(result =>
        {
            var extra = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string claim in result.GetValue(claims)!)
            {
                int equals = claim.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    Console.Error.WriteLine($"portcullis token: --claim must be name=value, not '{claim}'");
                    return 2;
                }

                extra[claim[..equals]] = claim[(equals + 1)..];
            }

            if (result.GetValue(lifetime) <= 0)
            {
                Console.Error.WriteLine("portcullis token: --ttl must be a positive number of seconds");
                return 2;
            }

            using DevIssuerKey key = DevIssuerKey.LoadOrCreate(result.GetValue(keyFile)!);
            Console.WriteLine(key.Mint(
                result.GetValue(issuer)!,
                result.GetValue(subject)!,
                result.GetValue(audience)!,
                time.GetUtcNow(),
                TimeSpan.FromSeconds(result.GetValue(lifetime)),
                extra));
            return 0;
        });
        return command;
    }
}
