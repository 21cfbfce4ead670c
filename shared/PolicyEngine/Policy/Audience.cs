namespace Portcullis.PolicyEngine.Policy;

/// <summary>
/// Audience comparison as jwt_verify_lib does it (<c>check_audience.cc</c>): both sides lose a
/// leading <c>http://</c> or <c>https://</c> and one trailing <c>/</c>, then compare exactly.
/// </summary>
public static class Audience
{
    /// <summary>The comparable form of <paramref name="audience"/>.</summary>
    public static string Normalize(string audience)
    {
        ReadOnlySpan<char> value = audience;
        if (value.StartsWith("https://", StringComparison.Ordinal))
        {
            value = value[8..];
        }
        else if (value.StartsWith("http://", StringComparison.Ordinal))
        {
            value = value[7..];
        }

        if (value.EndsWith('/'))
        {
            value = value[..^1];
        }

        return value.Length == audience.Length ? audience : value.ToString();
    }

    /// <summary>Whether <paramref name="tokenAudience"/> matches one of <paramref name="normalizedAllowed"/>.</summary>
    public static bool Matches(string tokenAudience, IReadOnlyList<string> normalizedAllowed)
    {
        string normalized = Normalize(tokenAudience);
        for (int i = 0; i < normalizedAllowed.Count; i++)
        {
            if (string.Equals(normalized, normalizedAllowed[i], StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
