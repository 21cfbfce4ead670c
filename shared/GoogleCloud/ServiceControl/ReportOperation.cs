using System.Globalization;

namespace Portcullis.GoogleCloud.ServiceControl;

/// <summary>
/// One aggregated usage record: an operation, its consumer (when verified), a response code and how
/// many requests; for a call authenticated by a JWT alone, ESPv2's <c>/credential_id</c> label
/// (<c>jwtauth:issuer=…&amp;audience=…</c>).
/// </summary>
public sealed record ReportOperation(string OperationName, string? ConsumerId, int ResponseCode, long Count, DateTimeOffset Start, DateTimeOffset End, string? CredentialId = null)
{
    internal OperationDto ToDto() => new()
    {
        OperationId = Guid.NewGuid().ToString(),
        OperationName = OperationName,
        ConsumerId = ConsumerId,
        StartTime = Start.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        EndTime = End.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        Labels = Labels(),
        MetricValueSets =
        [
            new MetricValueSetDto
            {
                MetricName = ConsumerId is null
                    ? "serviceruntime.googleapis.com/api/producer/request_count"
                    : "serviceruntime.googleapis.com/api/consumer/request_count",
                MetricValues = [new MetricValueDto { Int64Value = Count.ToString(CultureInfo.InvariantCulture) }],
            },
        ],
    };

    private Dictionary<string, string> Labels()
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["/response_code"] = ResponseCode.ToString(CultureInfo.InvariantCulture),
            ["/response_code_class"] = $"{ResponseCode / 100}xx",
            ["servicecontrol.googleapis.com/user_agent"] = ServiceControlClient.UserAgent,
        };
        if (CredentialId is not null)
        {
            labels["/credential_id"] = CredentialId;
        }

        return labels;
    }
}
