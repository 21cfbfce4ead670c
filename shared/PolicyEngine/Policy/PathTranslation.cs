namespace Portcullis.PolicyEngine.Policy;

/// <summary><c>x-google-backend.path_translation</c> (google.api.BackendRule.PathTranslation).</summary>
public enum PathTranslation
{
    /// <summary>The request path is appended to the address path.</summary>
    AppendPathToAddress,

    /// <summary>The address path replaces the request path; path variables become query parameters.</summary>
    ConstantAddress,
}
