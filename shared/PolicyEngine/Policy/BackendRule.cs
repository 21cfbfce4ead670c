namespace Portcullis.PolicyEngine.Policy;

/// <summary>Where and how an operation is forwarded (<c>x-google-backend</c>).</summary>
/// <param name="Address">Absolute http(s) address, with an optional path.</param>
/// <param name="Translation">How the request path becomes the backend path.</param>
/// <param name="JwtAudience">Audience of the ID token minted for the backend; null when <paramref name="DisableAuth"/>.</param>
/// <param name="DisableAuth">No token is minted and the caller's <c>Authorization</c> is kept.</param>
/// <param name="Deadline">Time the backend has to answer before the gateway answers 504.</param>
/// <param name="Protocol">HTTP version towards the backend.</param>
public sealed record BackendRule(
    Uri Address,
    PathTranslation Translation,
    string? JwtAudience,
    bool DisableAuth,
    TimeSpan Deadline,
    BackendProtocol Protocol)
{
    /// <summary>ESPv2's <c>util.DefaultResponseDeadline</c>.</summary>
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(15);

    /// <summary>The address path without a trailing slash ("" for a root address).</summary>
    public string AddressPath { get; } = Address.AbsolutePath.TrimEnd('/');

    /// <summary><c>scheme://host[:port]</c>: the destination prefix the forwarder connects to.</summary>
    public string Origin { get; } = Address.GetLeftPart(UriPartial.Authority);

    /// <summary>
    /// The audience ESPv2 uses when a backend names none: <c>scheme://host</c> of the address
    /// (with the port only when one is written), which is what Cloud Run and Cloud Functions accept.
    /// </summary>
    public static string DefaultAudience(Uri address) => address.GetLeftPart(UriPartial.Authority);
}
