using System.Globalization;

namespace Portcullis.Cli.Keys;

/// <summary>Reads <c>--expires</c> / <c>--grace</c> values: a duration (<c>90m</c>, <c>24h</c>, <c>30d</c>) or an ISO 8601 time.</summary>
internal static class TimeInput
{
    public static TimeSpan ParseDuration(string text)
    {
        if (text.Length >= 2
            && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double n)
            && n > 0)
        {
            switch (text[^1])
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
                case 'd': return TimeSpan.FromDays(n);
            }
        }

        throw new FormatException($"'{text}' is not a duration such as 90m, 24h or 30d.");
    }

    public static DateTimeOffset ParseExpiry(string text, DateTimeOffset now)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at))
        {
            return at.ToUniversalTime();
        }

        return now + ParseDuration(text);
    }

    public static Dictionary<string, string> ParsePairs(IEnumerable<string> pairs, string option)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in pairs)
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"{option} takes key=value, not '{pair}'.");
            }

            result[pair[..eq]] = pair[(eq + 1)..];
        }

        return result;
    }
}
