using System.Globalization;
using Portcullis.PolicyEngine.Quotas;

namespace Portcullis.Gateway.Quotas;

/// <summary>
/// <c>RateLimit-Limit</c>, <c>RateLimit-Remaining</c> and <c>RateLimit-Reset</c> (seconds) on every
/// response of a counted call, and <c>Retry-After</c> on a 429 (IETF draft-ietf-httpapi-ratelimit-headers; RFC 9110 §10.2.3).
/// </summary>
internal static class QuotaHeaders
{
    public static void Apply(HttpResponse response, QuotaDecision decision)
    {
        string reset = Math.Max(1, (int)Math.Ceiling(decision.Reset.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        if (decision.Allowed && decision.Remaining < 0)
        {
            // Service Control quota: what is left is not known here.
            return;
        }

        response.Headers["RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        response.Headers["RateLimit-Remaining"] = Math.Max(0, decision.Remaining).ToString(CultureInfo.InvariantCulture);
        response.Headers["RateLimit-Reset"] = reset;
        if (!decision.Allowed)
        {
            response.Headers.RetryAfter = reset;
        }
    }
}
