using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Portcullis.GoogleCloud.Auth;

namespace Portcullis.GoogleCloud.ServiceControl;

/// <summary>
/// Service Control v1 over REST/JSON: <c>:check</c> with ESPv2's timeout and retries (immediate,
/// on 5xx and network failures, never on 4xx) inside an overall budget, and <c>:report</c>.
/// Failures are values (<see cref="CheckOutcome"/>), mapped as ESPv2 maps them.
/// </summary>
public sealed class ServiceControlClient(HttpClient http, IAccessTokenSource tokens, ServiceControlOptions options, TimeProvider time)
{
    /// <summary>Google's endpoint.</summary>
    public static readonly Uri DefaultBaseAddress = new("https://servicecontrol.googleapis.com/");

    /// <summary>User agent label, as ESPv2 sends "ESPv2".</summary>
    public const string UserAgent = "Portcullis";

    /// <summary>Checks a key.</summary>
    public async Task<CheckResult> CheckAsync(string service, CheckRequest check, CancellationToken cancellationToken)
    {
        string token;
        try
        {
            token = await tokens.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new CheckResult(CheckOutcome.Failed, Message: "Missing access token for service control call");
        }

        string now = time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        var body = new CheckRequestDto
        {
            Operation = new OperationDto
            {
                OperationId = Guid.NewGuid().ToString(),
                OperationName = check.OperationName,
                ConsumerId = "api_key:" + check.ApiKey,
                StartTime = now,
                EndTime = now,
                Labels = Labels(check),
            },
        };

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(options.CheckBudget);
        CheckResult last = new(CheckOutcome.Unavailable, Message: "Calling Google Service Control API failed with: 504 and body: upstream request timeout");
        for (int attempt = 0; attempt <= options.CheckRetries && !budget.IsCancellationRequested; attempt++)
        {
            (last, bool retry) = await AttemptAsync($"v1/services/{service}:check", body, token, budget.Token, cancellationToken).ConfigureAwait(false);
            if (!retry)
            {
                break;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return last;
    }

    /// <summary>Sends a report; true when Service Control accepted it.</summary>
    public async Task<bool> ReportAsync(string service, IReadOnlyList<ReportOperation> operations, CancellationToken cancellationToken)
    {
        try
        {
            string token = await tokens.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ReportTimeout);
            var body = new ReportRequestDto { Operations = operations.Select(o => o.ToDto()).ToList() };
            using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/services/{service}:report")
            {
                Content = JsonContent.Create(body, ServiceControlJsonContext.Default.ReportRequestDto),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using HttpResponseMessage response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Any failure, the access token's included (metadata server down, or a garbage answer
            // from it), is a failed report: reports are best effort and must never stop the host.
            return false;
        }
    }

    /// <summary>
    /// <c>:allocateQuota</c> in NORMAL mode. Returns the first allocate error's code and description,
    /// (null, null) when granted, or null for a failed call (the caller fails open, as the API asks).
    /// </summary>
    public async Task<(string? Code, string? Description)?> AllocateQuotaAsync(
        string service,
        string methodName,
        string consumerId,
        IReadOnlyDictionary<string, long> metrics,
        CancellationToken cancellationToken)
    {
        try
        {
            string token = await tokens.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.CheckTimeout);
            var body = new AllocateQuotaRequestDto
            {
                AllocateOperation = new QuotaOperationDto
                {
                    OperationId = Guid.NewGuid().ToString(),
                    MethodName = methodName,
                    ConsumerId = consumerId,
                    QuotaMode = "NORMAL",
                    QuotaMetrics = metrics.Select(m => new MetricValueSetDto
                    {
                        MetricName = m.Key,
                        MetricValues = [new MetricValueDto { Int64Value = m.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) }],
                    }).ToList(),
                },
            };
            using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/services/{service}:allocateQuota")
            {
                Content = JsonContent.Create(body, ServiceControlJsonContext.Default.AllocateQuotaRequestDto),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using HttpResponseMessage response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            AllocateQuotaResponseDto? dto = await response.Content.ReadFromJsonAsync(ServiceControlJsonContext.Default.AllocateQuotaResponseDto, timeout.Token).ConfigureAwait(false);
            return dto?.AllocateErrors is [{ } first, ..] ? (first.Code, first.Description) : (null, null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Any failure, the access token's included, is a failed call: quota fails open.
            return null;
        }
    }

    private async Task<(CheckResult Result, bool Retry)> AttemptAsync(string path, CheckRequestDto body, string token, CancellationToken budget, CancellationToken caller)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(budget);
        attempt.CancelAfter(options.CheckTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = JsonContent.Create(body, ServiceControlJsonContext.Default.CheckRequestDto),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            return (Unavailable(504, "upstream request timeout"), true);
        }
        catch (HttpRequestException e)
        {
            return (Unavailable(503, "upstream connect error or disconnect/reset before headers. " + e.Message), true);
        }

        using (response)
        {
            int status = (int)response.StatusCode;
            if (status == 200)
            {
                return (await ParseAsync(response, attempt.Token).ConfigureAwait(false), false);
            }

            string text = await response.Content.ReadAsStringAsync(caller).ConfigureAwait(false);
            string message = $"Calling Google Service Control API failed with: {status} and body: {text}";
            return status switch
            {
                429 => (new CheckResult(CheckOutcome.Unavailable, Message: message), false),
                502 or 503 or 504 => (new CheckResult(CheckOutcome.Unavailable, Message: message), true),
                >= 400 and < 500 => (new CheckResult(CheckOutcome.Failed, Message: message), false),
                _ => (new CheckResult(CheckOutcome.Failed, Message: message), true),
            };
        }
    }

    private static async Task<CheckResult> ParseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        CheckResponseDto? dto;
        try
        {
            dto = await response.Content.ReadFromJsonAsync(ServiceControlJsonContext.Default.CheckResponseDto, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            dto = null;
        }

        // A body of JSON `null` is no answer either; taken for an empty CheckResponse it would pass every key.
        if (dto is null)
        {
            return new CheckResult(CheckOutcome.Failed, Message: "Failed to call service control: the check response is not JSON");
        }

        // A check error without a code is proto3's default, ERROR_CODE_UNSPECIFIED: ESPv2 refuses it
        // as an unsupported code. Read as "no error" it would let the key through.
        if (dto.CheckErrors is [var first, ..])
        {
            return new CheckResult(CheckOutcome.CheckError, ErrorCode: first?.Code ?? "ERROR_CODE_UNSPECIFIED");
        }

        ConsumerInfoDto? consumer = dto.CheckInfo?.ConsumerInfo;
        return new CheckResult(CheckOutcome.Valid, ConsumerType: consumer?.Type, ConsumerNumber: consumer?.ConsumerNumber ?? consumer?.ProjectNumber);
    }

    private static CheckResult Unavailable(int status, string body) =>
        new(CheckOutcome.Unavailable, Message: $"Calling Google Service Control API failed with: {status} and body: {body}");

    private static Dictionary<string, string> Labels(CheckRequest check)
    {
        const string Prefix = "servicecontrol.googleapis.com/";
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Prefix + "user_agent"] = UserAgent,
            [Prefix + "service_agent"] = UserAgent + "/1.0",
        };
        Add(labels, Prefix + "caller_ip", check.CallerIp);
        Add(labels, Prefix + "referer", check.Referer);
        Add(labels, Prefix + "android_package_name", check.AndroidPackage);
        Add(labels, Prefix + "android_cert_fingerprint", check.AndroidCert);
        Add(labels, Prefix + "ios_bundle_id", check.IosBundle);
        return labels;
    }

    private static void Add(Dictionary<string, string> labels, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            labels[name] = value;
        }
    }
}
