namespace Portcullis.GoogleCloud.SecretManager;

/// <summary>Parses <c>sm://projects/P/secrets/S</c> into the resource name <c>projects/P/secrets/S</c>.</summary>
public static class SecretReference
{
    /// <summary>The scheme of a Secret Manager location.</summary>
    public const string Scheme = "sm://";

    /// <summary>Whether <paramref name="location"/> names a secret.</summary>
    public static bool IsSecret(string location) => location.StartsWith(Scheme, StringComparison.Ordinal);

    /// <summary>The resource name; throws with a clear message when malformed.</summary>
    public static string Parse(string location)
    {
        string name = location[Scheme.Length..].TrimEnd('/');
        string[] parts = name.Split('/');
        if (parts.Length != 4 || parts[0] != "projects" || parts[2] != "secrets" || parts[1].Length == 0 || parts[3].Length == 0)
        {
            throw new ArgumentException($"'{location}' is not sm://projects/PROJECT/secrets/SECRET");
        }

        return name;
    }
}
