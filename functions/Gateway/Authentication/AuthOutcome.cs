using Portcullis.Gateway.Errors;
using Portcullis.Gateway.Keys;
using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.Gateway.Authentication;

/// <summary>
/// What the authentication step decided: allowed, with who the caller is (a keyring key, a
/// Service Control consumer, a verified JWT), or refused with one of three kinds of answer.
/// </summary>
internal sealed class AuthOutcome
{
    public static readonly AuthOutcome Anonymous = new();

    public bool Allowed => Error is null && Status == 0 && Jwt is null;

    /// <summary>A refusal from the gateway's own table.</summary>
    public GatewayError? Error { get; init; }

    /// <summary>A refusal with a status and message decided by the key source (Service Control's table).</summary>
    public int Status { get; init; }

    public string? Message { get; init; }

    /// <summary>A JWT refusal: Envoy's text, status and <c>WWW-Authenticate</c>.</summary>
    public JwtFailure? Jwt { get; init; }

    /// <summary>The keyring record of a verified key.</summary>
    public KeyRecord? Key { get; init; }

    public KeySourceResult KeyResult { get; init; }

    /// <summary>The provider whose token verified, and the token's claims.</summary>
    public JwtProvider? Provider { get; init; }

    public JwtClaims? Claims { get; init; }
}
