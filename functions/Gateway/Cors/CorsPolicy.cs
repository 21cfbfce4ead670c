using System.Globalization;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Portcullis.Gateway.Cors;

/// <summary>
/// The gateway-answered CORS mode, ESPv2's <c>--cors_preset=basic</c>: on when
/// <c>PORTCULLIS_CORS_ORIGINS</c> is set. A preflight (<c>OPTIONS</c> with <c>Origin</c> and
/// <c>Access-Control-Request-Method</c>) on a path of the API is answered here, without a key and
/// without reaching the backend; any other <c>OPTIONS</c> gets ESPv2's 400. Every response to an
/// allowed origin carries <c>Access-Control-Allow-Origin</c> (error responses too, so a browser
/// app can read why it was refused). Unlike ESPv2, <c>x-api-key</c> and the API's own key headers
/// are allowed by default: a browser cannot send a key header a preflight did not allow.
/// </summary>
internal sealed class CorsPolicy
{
    public const string PreflightRefused =
        "The CORS preflight request is missing one (or more) of the following required headers [Origin, Access-Control-Request-Method] or has an unmatched Origin header.";

    /// <summary>ESPv2's default allowed headers, plus <c>x-api-key</c>.</summary>
    public const string DefaultAllowHeaders = "DNT,User-Agent,X-User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization,x-api-key";

    private readonly HashSet<string>? _origins;

    private CorsPolicy(HashSet<string>? origins, string methods, string headers, string exposeHeaders, string maxAge, bool credentials)
    {
        _origins = origins;
        AllowMethods = methods;
        AllowHeaders = headers;
        ExposeHeaders = exposeHeaders;
        MaxAge = maxAge;
        AllowCredentials = credentials;
    }

    /// <summary>True when any origin may call (<c>*</c>).</summary>
    public bool AnyOrigin => _origins is null;

    public string AllowMethods { get; }

    public string AllowHeaders { get; }

    public string ExposeHeaders { get; }

    public string MaxAge { get; }

    public bool AllowCredentials { get; }

    /// <summary>The policy from <c>PORTCULLIS_CORS_*</c>; null when <c>PORTCULLIS_CORS_ORIGINS</c> is not set (preflights go to the config's routes).</summary>
    public static CorsPolicy? FromConfiguration(IConfiguration config)
    {
        string? origins = config["PORTCULLIS_CORS_ORIGINS"];
        if (string.IsNullOrWhiteSpace(origins))
        {
            return null;
        }

        HashSet<string>? allowed = null;
        if (origins.Trim() != "*")
        {
            allowed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (string origin in origins.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Uri.TryCreate(origin, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/" || origin.EndsWith('/'))
                {
                    throw new InvalidOperationException($"PORTCULLIS_CORS_ORIGINS must be '*' or a comma-separated list of origins like https://app.example.com, not '{origin}'.");
                }

                allowed.Add(origin);
            }
        }

        string maxAgeText = config["PORTCULLIS_CORS_MAX_AGE"] is { Length: > 0 } m ? m : "1728000";
        if (!int.TryParse(maxAgeText, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new InvalidOperationException($"PORTCULLIS_CORS_MAX_AGE must be a number of seconds, not '{maxAgeText}'.");
        }

        string credentials = config["PORTCULLIS_CORS_CREDENTIALS"] is { Length: > 0 } c ? c : "false";
        if (credentials is not ("true" or "false"))
        {
            throw new InvalidOperationException($"PORTCULLIS_CORS_CREDENTIALS must be 'true' or 'false', not '{credentials}'.");
        }

        return new CorsPolicy(
            allowed,
            config["PORTCULLIS_CORS_METHODS"] is { Length: > 0 } methods ? methods : "GET, POST, PUT, PATCH, DELETE, OPTIONS",
            config["PORTCULLIS_CORS_HEADERS"] is { Length: > 0 } headers ? headers : DefaultAllowHeaders,
            config["PORTCULLIS_CORS_EXPOSE_HEADERS"] is { Length: > 0 } expose ? expose : "Content-Length,Content-Range",
            maxAgeText,
            credentials == "true");
    }

    /// <summary>True when <paramref name="origin"/> may call.</summary>
    public bool Allows(string origin) => _origins is null || _origins.Contains(origin);

    /// <summary>
    /// Answers an <c>OPTIONS</c> request on a path of the API: 200 with the allow headers for a
    /// preflight from an allowed origin, else ESPv2's 400. <paramref name="keyHeaders"/> are the
    /// API's own key headers, added to the allowed ones.
    /// </summary>
    public bool TryAnswerPreflight(HttpContext context, IReadOnlyList<string> keyHeaders)
    {
        IHeaderDictionary request = context.Request.Headers;
        string? origin = request.Origin is { Count: 1 } o ? o.ToString() : null;
        if (origin is null || StringValues.IsNullOrEmpty(request.AccessControlRequestMethod) || !Allows(origin))
        {
            return false;
        }

        IHeaderDictionary response = context.Response.Headers;
        SetOrigin(response, origin);
        response.AccessControlAllowMethods = AllowMethods;
        response.AccessControlAllowHeaders = keyHeaders.Count == 0 ? AllowHeaders : AllowHeaders + "," + string.Join(',', keyHeaders);
        response.AccessControlMaxAge = MaxAge;
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentLength = 0;
        return true;
    }

    /// <summary>Adds the CORS response headers for an allowed <c>Origin</c> to whatever the response turns out to be.</summary>
    public void OnActualRequest(HttpContext context)
    {
        if (context.Request.Headers.Origin is not { Count: 1 } origin || !Allows(origin.ToString()))
        {
            return;
        }

        context.Response.OnStarting(static state =>
        {
            (CorsPolicy policy, HttpContext c, string o) = ((CorsPolicy, HttpContext, string))state;
            IHeaderDictionary headers = c.Response.Headers;
            policy.SetOrigin(headers, o);
            headers.AccessControlExposeHeaders = policy.ExposeHeaders;
            return Task.CompletedTask;
        }, (this, context, origin.ToString()));
    }

    private void SetOrigin(IHeaderDictionary headers, string origin)
    {
        // With credentials the origin must be named, never "*".
        headers.AccessControlAllowOrigin = AnyOrigin && !AllowCredentials ? "*" : origin;
        if (AllowCredentials)
        {
            headers.AccessControlAllowCredentials = "true";
        }

        if (!AnyOrigin || AllowCredentials)
        {
            headers.Append(HeaderNames.Vary, HeaderNames.Origin);
        }
    }
}
