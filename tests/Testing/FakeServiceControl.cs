using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Portcullis.Testing;

/// <summary>
/// Service Control v1 over REST/JSON on loopback: <c>services/{service}:check</c>,
/// <c>:report</c> and <c>:allocateQuota</c>. Answers are programmable per API key (check errors,
/// consumer info), with injected delays, HTTP error statuses and garbage bodies, and every
/// request is logged. Requires a bearer token.
/// </summary>
public sealed class FakeServiceControl : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, string> _checkErrors = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<JsonObject> _checks = new();
    private readonly ConcurrentQueue<JsonObject> _reports = new();
    private readonly ConcurrentQueue<JsonObject> _quota = new();
    private WebApplication _app = null!;
    private int _failuresLeft;
    private int _failureStatus;
    private int _checkCalls;

    private FakeServiceControl()
    {
    }

    /// <summary>http://127.0.0.1:PORT (what <c>PORTCULLIS_SERVICE_CONTROL_URL</c> takes).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Delay before answering a check.</summary>
    public TimeSpan CheckDelay { get; set; }

    /// <summary>When set, <c>:allocateQuota</c> answers RESOURCE_EXHAUSTED.</summary>
    public bool QuotaExhausted { get; set; }

    /// <summary>Answer checks with a body that is not JSON.</summary>
    public bool Garbage { get; set; }

    /// <summary>When set, checks answer 200 <c>application/json</c> with exactly this body (malformed or wrongly shaped JSON).</summary>
    public string? CheckBody { get; set; }

    /// <summary>How many <c>:check</c> calls arrived (retries included).</summary>
    public int CheckCalls => _checkCalls;

    /// <summary>Every check request body, in order.</summary>
    public IReadOnlyList<JsonObject> Checks => [.. _checks];

    /// <summary>Every report request body, in order.</summary>
    public IReadOnlyList<JsonObject> Reports => [.. _reports];

    /// <summary>Every allocateQuota request body, in order.</summary>
    public IReadOnlyList<JsonObject> QuotaRequests => [.. _quota];

    /// <summary>Starts the fake.</summary>
    public static async Task<FakeServiceControl> StartAsync()
    {
        var fake = new FakeServiceControl();
        (fake._app, fake.BaseAddress) = await LoopbackHost.StartAsync(fake.HandleAsync).ConfigureAwait(false);
        return fake;
    }

    /// <summary>Checks of <paramref name="apiKey"/> answer <c>checkErrors[0].code = </c><paramref name="code"/> (null: valid).</summary>
    public void SetKey(string apiKey, string? code)
    {
        if (code is null)
        {
            _checkErrors.TryRemove(apiKey, out _);
        }
        else
        {
            _checkErrors[apiKey] = code;
        }
    }

    /// <summary>The next <paramref name="count"/> calls answer HTTP <paramref name="status"/> (int.MaxValue: until <see cref="Heal"/>).</summary>
    public void Fail(int status, int count = int.MaxValue)
    {
        _failureStatus = status;
        Volatile.Write(ref _failuresLeft, count);
    }

    /// <summary>Stops injected failures, delays and garbage.</summary>
    public void Heal()
    {
        Volatile.Write(ref _failuresLeft, 0);
        CheckDelay = TimeSpan.Zero;
        Garbage = false;
        CheckBody = null;
    }

    /// <summary>Total of the request counts in every report operation.</summary>
    public long ReportedRequests() => Reports
        .SelectMany(r => r["operations"]!.AsArray())
        .Sum(o => long.Parse(o!["metricValueSets"]![0]!["metricValues"]![0]!["int64Value"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture));

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _app.DisposeAsync().ConfigureAwait(false);

    private async Task HandleAsync(HttpContext context)
    {
        string path = context.Request.Path.Value ?? "";
        bool isCheck = path.EndsWith(":check", StringComparison.Ordinal);
        if (isCheck)
        {
            Interlocked.Increment(ref _checkCalls);
            if (CheckDelay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(CheckDelay, context.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            context.Response.StatusCode = _failureStatus;
            await context.Response.WriteAsync($"{{\"error\":{{\"code\":{_failureStatus},\"message\":\"injected\",\"status\":\"UNAVAILABLE\"}}}}").ConfigureAwait(false);
            return;
        }

        Interlocked.Exchange(ref _failuresLeft, 0);
        if (!context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 401;
            return;
        }

        JsonObject body = (await JsonNode.ParseAsync(context.Request.Body).ConfigureAwait(false))!.AsObject();
        context.Response.ContentType = "application/json";
        if (isCheck)
        {
            _checks.Enqueue(body);
            if (Garbage)
            {
                await context.Response.WriteAsync("<html>not json").ConfigureAwait(false);
                return;
            }

            if (CheckBody is { } raw)
            {
                await context.Response.WriteAsync(raw).ConfigureAwait(false);
                return;
            }

            await context.Response.WriteAsync(CheckResponse(body).ToJsonString()).ConfigureAwait(false);
        }
        else if (path.EndsWith(":report", StringComparison.Ordinal))
        {
            _reports.Enqueue(body);
            await context.Response.WriteAsync("{}").ConfigureAwait(false);
        }
        else if (path.EndsWith(":allocateQuota", StringComparison.Ordinal))
        {
            _quota.Enqueue(body);
            await context.Response.WriteAsync(QuotaExhausted
                ? "{\"allocateErrors\":[{\"code\":\"RESOURCE_EXHAUSTED\",\"description\":\"Insufficient tokens for quota group and limit 'read-limit'\"}]}"
                : "{}").ConfigureAwait(false);
        }
        else
        {
            context.Response.StatusCode = 404;
        }
    }

    private JsonObject CheckResponse(JsonObject request)
    {
        string consumer = request["operation"]?["consumerId"]?.ToString() ?? "";
        string key = consumer.StartsWith("api_key:", StringComparison.Ordinal) ? consumer["api_key:".Length..] : "";
        var response = new JsonObject { ["operationId"] = request["operation"]?["operationId"]?.ToString() };
        if (_checkErrors.TryGetValue(key, out string? code))
        {
            response["checkErrors"] = new JsonArray(new JsonObject { ["code"] = code, ["detail"] = "fake" });
        }
        else
        {
            response["checkInfo"] = new JsonObject
            {
                ["apiKeyUid"] = "apikey:fake",
                ["consumerInfo"] = new JsonObject { ["type"] = "PROJECT", ["consumerNumber"] = "123456789", ["projectNumber"] = "123456789" },
            };
        }

        return response;
    }
}
