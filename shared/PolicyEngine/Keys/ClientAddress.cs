using System.Net;

namespace Portcullis.PolicyEngine.Keys;

/// <summary>
/// The caller's IP as key restrictions see it: with N trusted hops, the N-th address from the
/// right of <c>X-Forwarded-For</c> (Cloud Run's front end appends one, so N = 1 there); with 0,
/// the connection's remote address. Envoy's <c>xff_num_trusted_hops</c> works the same way.
/// </summary>
public static class ClientAddress
{
    /// <summary>Resolves the client address; null when it cannot be told.</summary>
    public static IPAddress? Resolve(string? forwardedFor, IPAddress? remote, int trustedHops)
    {
        if (trustedHops <= 0 || string.IsNullOrEmpty(forwardedFor))
        {
            return trustedHops <= 0 ? Normalize(remote) : null;
        }

        ReadOnlySpan<char> rest = forwardedFor;
        for (int hop = 1; ; hop++)
        {
            int comma = rest.LastIndexOf(',');
            ReadOnlySpan<char> entry = (comma < 0 ? rest : rest[(comma + 1)..]).Trim();
            if (hop == trustedHops)
            {
                return IPAddress.TryParse(entry, out IPAddress? ip) ? Normalize(ip) : null;
            }

            if (comma < 0)
            {
                return null;
            }

            rest = rest[..comma];
        }
    }

    private static IPAddress? Normalize(IPAddress? ip) => ip is { IsIPv4MappedToIPv6: true } ? ip.MapToIPv4() : ip;
}
