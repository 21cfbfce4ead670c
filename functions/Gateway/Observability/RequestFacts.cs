namespace Portcullis.Gateway.Observability;

/// <summary>
/// What the pipeline learned about one request, filled in as it goes and read once when the
/// request ends: for the request log line, the metrics and the Service Control usage report.
/// </summary>
internal sealed class RequestFacts
{
    /// <summary>The matched operation's operationId; null for 400/404/405.</summary>
    public string? OperationId { get; set; }

    /// <summary>Who called: <c>consumer:NAME</c>, <c>project:NUMBER</c>, or null before a key was accepted.</summary>
    public string? Consumer { get; set; }

    /// <summary>The keyring key id (a hash prefix, never the key).</summary>
    public string? KeyId { get; set; }

    /// <summary>The verified caller JWT, if one was: its provider and claims (quota by <c>sub</c>, the usage report's credential id).</summary>
    public (Portcullis.PolicyEngine.Policy.JwtProvider Provider, Portcullis.Gateway.Authentication.JwtClaims Claims)? Jwt { get; set; }

    /// <summary>The Service Control consumer (<c>api_key:…</c>): sent to Service Control, never logged.</summary>
    public string? ServiceControlConsumer { get; set; }
}
