namespace Portcullis.PolicyEngine.ServiceControl;

/// <summary>
/// ESPv2's table from a Service Control <c>checkErrors[0].code</c> to the HTTP status and message
/// the caller gets (espv2-behaviour.md §1.5, check_response_convert_utils.cc).
/// </summary>
public static class CheckErrorMapping
{
    /// <summary>The ESPv2 message for UNAVAILABLE check errors.</summary>
    public const string UnavailableMessage = "UNAVAILABLE: One or more Google Service Control backends are unavailable.";

    /// <summary>
    /// Maps a check error code. <paramref name="unavailable"/> is true for the codes that fail open
    /// when <c>PORTCULLIS_FAIL_POLICY=open</c> (the <c>*_UNAVAILABLE</c> family).
    /// </summary>
    public static (int Status, string Message) Map(string code, string serviceName, out bool unavailable)
    {
        unavailable = false;
        switch (code)
        {
            case "API_KEY_INVALID": return (400, "INVALID_ARGUMENT: API key not valid. Please pass a valid API key.");
            case "API_KEY_EXPIRED": return (400, "INVALID_ARGUMENT: API key expired. Please renew the API key.");
            case "API_KEY_NOT_FOUND": return (400, "INVALID_ARGUMENT: API key not found. Please pass a valid API key.");
            case "NOT_FOUND": return (400, "INVALID_ARGUMENT: Client project not found. Please pass a valid project.");
            case "PROJECT_INVALID": return (400, "INVALID_ARGUMENT: Client project not valid. Please pass a valid project.");
            case "SERVICE_NOT_ACTIVATED": return (403, $"PERMISSION_DENIED: API {serviceName} is not enabled for the project.");
            case "PERMISSION_DENIED": return (403, "PERMISSION_DENIED: Permission denied.");
            case "IP_ADDRESS_BLOCKED": return (403, "PERMISSION_DENIED: IP address blocked.");
            case "REFERER_BLOCKED": return (403, "PERMISSION_DENIED: Referer blocked.");
            case "CLIENT_APP_BLOCKED": return (403, "PERMISSION_DENIED: Client application blocked.");
            case "API_TARGET_BLOCKED": return (403, "PERMISSION_DENIED:  The API targeted by this request is invalid for the given API key.");
            case "PROJECT_DELETED": return (403, "PERMISSION_DENIED: Project has been deleted.");
            case "BILLING_DISABLED": return (403, $"PERMISSION_DENIED: API {serviceName} has billing disabled. Please enable it.");
            case "INVALID_CREDENTIAL": return (403, "PERMISSION_DENIED: The credential in the request can not be verified.");
            case "CONSUMER_INVALID": return (403, "PERMISSION_DENIED: The consumer from the API key does not represent a valid consumer folder or organization.");
            case "RESOURCE_EXHAUSTED": return (429, "RESOURCE_EXHAUSTED: Quota check failed.");
            case "NAMESPACE_LOOKUP_UNAVAILABLE":
            case "SERVICE_STATUS_UNAVAILABLE":
            case "BILLING_STATUS_UNAVAILABLE":
            case "CLOUD_RESOURCE_MANAGER_BACKEND_UNAVAILABLE":
                unavailable = true;
                return (503, UnavailableMessage);
            default:
                // Codes newer than ESPv2's table: the *_UNAVAILABLE ones are outages too.
                if (code.EndsWith("_UNAVAILABLE", StringComparison.Ordinal))
                {
                    unavailable = true;
                    return (503, UnavailableMessage);
                }

                return (500, $"INTERNAL: Request blocked due to unsupported error code in Google Service Control Check response: {code}");
        }
    }

    /// <summary>ESPv2's operation name (method selector): <c>1.&lt;host with . and - as _&gt;.&lt;OperationId&gt;</c>.</summary>
    public static string Selector(string serviceName, string operationId)
    {
        string service = serviceName.Replace('.', '_').Replace('-', '_');
        string method = operationId.Length == 0 ? operationId : char.ToUpperInvariant(operationId[0]) + operationId[1..];
        return $"1.{service}.{method}";
    }
}
