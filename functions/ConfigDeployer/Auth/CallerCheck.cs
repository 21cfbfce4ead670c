namespace Portcullis.ConfigDeployer.Auth;

/// <summary>The result of checking a caller: allowed with an email, or why not.</summary>
internal sealed record CallerCheck(int Status, string? Email, string Message)
{
    public static CallerCheck Allowed(string email) => new(200, email, "");

    public static CallerCheck Unauthenticated(string why) => new(401, null, "UNAUTHENTICATED: " + why);

    public static CallerCheck Forbidden(string email) =>
        new(403, email, $"PERMISSION_DENIED: {email} may not deploy configs; add it to PORTCULLIS_DEPLOYERS");
}
