using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Portcullis.Gateway.Forwarding;

/// <summary>
/// Builds the backend request from the checked one: the translated target (the path that was
/// matched, never the raw one), <c>Host</c> of the backend, the ID token in <c>Authorization</c>
/// with the caller's moved to <c>X-Forwarded-Authorization</c>, the API key and spoofable
/// identity headers removed, consumer identity and <c>X-Forwarded-*</c> added.
/// </summary>
internal sealed class GatewayTransformer : HttpTransformer
{
    public const string ConsumerHeader = "X-Portcullis-Consumer";
    public const string KeyIdHeader = "X-Portcullis-Key-Id";
    public const string MetadataHeader = "X-Portcullis-Key-Metadata";
    private const string IdentityPrefix = "X-Portcullis-";
    private const string EndpointPrefix = "X-Endpoint-API-";
    private const string ForwardedAuthorization = "X-Forwarded-Authorization";

    /// <summary>API Gateway's name for the verified JWT's payload (ESPv2's is <c>X-Endpoint-API-UserInfo</c>).</summary>
    public const string ApiGatewayUserInfo = "X-Apigateway-Api-Userinfo";

    public const string EndpointUserInfo = "X-Endpoint-API-UserInfo";

    public static GatewayTransformer Instance { get; } = new();

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
        ForwardingState state = httpContext.Features.GetRequiredFeature<ForwardingState>();
        HttpRequestHeaders headers = proxyRequest.Headers;

        proxyRequest.RequestUri = new Uri(destinationPrefix + state.Target, UriKind.Absolute);
        headers.Host = null;

        // By index: a foreach over the IReadOnlyList boxes its enumerator on every request.
        IReadOnlyList<string> keyHeaders = state.Policy.KeyHeaderNames;
        for (int i = 0; i < keyHeaders.Count; i++)
        {
            headers.Remove(keyHeaders[i]);
        }

        RemoveIdentityHeaders(headers);
        headers.Remove(ApiGatewayUserInfo);
        headers.Remove(ForwardedAuthorization);
        headers.Remove("X-HTTP-Method-Override");
        headers.Remove("X-HTTP-Method");
        headers.Remove("X-Method-Override");

        if (state.IdToken is not null)
        {
            if (headers.TryGetValues("Authorization", out IEnumerable<string>? caller))
            {
                headers.TryAddWithoutValidation(ForwardedAuthorization, caller);
                headers.Remove("Authorization");
            }

            headers.TryAddWithoutValidation("Authorization", "Bearer " + state.IdToken);
        }

        if (state.Key is { } key)
        {
            headers.TryAddWithoutValidation(ConsumerHeader, key.Consumer);
            headers.TryAddWithoutValidation(KeyIdHeader, key.Id);
            if (key.MetadataJson is { } metadata)
            {
                headers.TryAddWithoutValidation(MetadataHeader, metadata);
            }
        }

        if (state.UserInfo is { } userInfo)
        {
            // The token's own payload segment, as received: only a verified token's reaches here.
            headers.TryAddWithoutValidation(EndpointUserInfo, userInfo);
            headers.TryAddWithoutValidation(ApiGatewayUserInfo, userInfo);
        }

        if (state.ConsumerType is { } type)
        {
            headers.TryAddWithoutValidation(EndpointPrefix + "Consumer-Type", type);
        }

        if (state.ConsumerNumber is { } number)
        {
            headers.TryAddWithoutValidation(EndpointPrefix + "Consumer-Number", number);
        }

        AddForwardedHeaders(httpContext, headers);
    }

    private static void RemoveIdentityHeaders(HttpRequestHeaders headers)
    {
        List<string>? spoofed = null;
        foreach (KeyValuePair<string, HeaderStringValues> header in headers.NonValidated)
        {
            if (header.Key.StartsWith(IdentityPrefix, StringComparison.OrdinalIgnoreCase)
                || header.Key.StartsWith(EndpointPrefix, StringComparison.OrdinalIgnoreCase))
            {
                (spoofed ??= []).Add(header.Key);
            }
        }

        spoofed?.ForEach(name => headers.Remove(name));
    }

    private static void AddForwardedHeaders(HttpContext context, HttpRequestHeaders headers)
    {
        string? remote = context.Connection.RemoteIpAddress?.ToString();
        if (remote is not null)
        {
            string forwardedFor = headers.TryGetValues("X-Forwarded-For", out IEnumerable<string>? existing)
                ? string.Join(", ", existing) + ", " + remote
                : remote;
            headers.Remove("X-Forwarded-For");
            headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        }

        // Behind Cloud Run's front end these arrive already set (TLS ends there); keep them.
        if (!headers.Contains("X-Forwarded-Proto"))
        {
            headers.TryAddWithoutValidation("X-Forwarded-Proto", context.Request.Scheme);
        }

        if (!headers.Contains("X-Forwarded-Host") && context.Request.Host.HasValue)
        {
            headers.TryAddWithoutValidation("X-Forwarded-Host", context.Request.Host.Value);
        }
    }
}
