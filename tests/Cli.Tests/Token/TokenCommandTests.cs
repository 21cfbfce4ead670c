using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Portcullis.Cli.Tests.Token;

/// <summary><c>portcullis token</c>: an RS256 token from the dev issuer's key, with the claims asked for.</summary>
public sealed class TokenCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("portcullis-token-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    private string KeyFile => Path.Combine(_directory, "dev-issuer.pem");

    [Fact]
    public async Task Mint_SignedByTheKeyFile_WithTheClaimsAskedFor()
    {
        (int exit, string output, string error) = await ConsoleCapture.RunAsync(
            _time, "token", "--sub", "bob", "--aud", "a1", "--aud", "a2", "--ttl", "60", "--claim", "email=bob@example.com", "--key-file", KeyFile);

        Assert.True(exit == 0, error);
        string[] parts = output.Trim().Split('.');
        Assert.Equal(3, parts.Length);

        using JsonDocument header = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[0]));
        Assert.Equal("RS256", header.RootElement.GetProperty("alg").GetString());
        using JsonDocument payload = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1]));
        JsonElement claims = payload.RootElement;
        Assert.Equal("http://localhost:8090", claims.GetProperty("iss").GetString());
        Assert.Equal("bob", claims.GetProperty("sub").GetString());
        Assert.Equal(["a1", "a2"], claims.GetProperty("aud").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(_time.GetUtcNow().ToUnixTimeSeconds() + 60, claims.GetProperty("exp").GetInt64());
        Assert.Equal("bob@example.com", claims.GetProperty("email").GetString());

        using var rsa = RSA.Create();
        rsa.ImportFromPem(await File.ReadAllTextAsync(KeyFile));
        Assert.True(rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), System.Buffers.Text.Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
        }
    }

    [Fact]
    public async Task SameKeyFile_SameKey_AcrossRuns()
    {
        (_, string first, _) = await ConsoleCapture.RunAsync(_time, "token", "--key-file", KeyFile);
        (_, string second, _) = await ConsoleCapture.RunAsync(_time, "token", "--key-file", KeyFile);

        Assert.Equal(first.Split('.')[0], second.Split('.')[0]);
    }

    [Theory]
    [InlineData("--claim", "novalue")]
    [InlineData("--ttl", "0")]
    public async Task BadArguments_Exit2(string option, string value)
    {
        (int exit, _, string error) = await ConsoleCapture.RunAsync(_time, "token", option, value, "--key-file", KeyFile);

        Assert.Equal(2, exit);
        Assert.Contains("portcullis token", error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
