using System.Text;
using Portcullis.PolicyEngine.Policy;
using Portcullis.PolicyEngine.Routing;

namespace Portcullis.PolicyEngine.Forwarding;

/// <summary>
/// Turns a matched request into the backend's path and query, exactly as ESPv2's path_rewrite
/// filter does for <c>APPEND_PATH_TO_ADDRESS</c> and <c>CONSTANT_ADDRESS</c>.
/// </summary>
public static class PathTranslator
{
    /// <summary>
    /// The backend request target (path + query). <paramref name="query"/> is the request's raw
    /// query with the key already removed (leading <c>?</c>, or empty).
    /// </summary>
    public static string Translate(in RouteMatch match, string query)
    {
        ApiOperation operation = match.Operation ?? throw new ArgumentException("No operation matched.", nameof(match));
        BackendRule backend = operation.Backend;
        if (backend.Translation == PathTranslation.AppendPathToAddress)
        {
            return string.Concat(backend.AddressPath, match.Path, query);
        }

        // CONSTANT_ADDRESS: original query first, then each named variable as name=value, raw.
        var target = new StringBuilder(backend.AddressPath.Length + query.Length + 32);
        target.Append(backend.AddressPath.Length == 0 ? "/" : backend.AddressPath).Append(query);
        // A bare "?" is a query too (ESPv2 keeps it and appends "&name=value"); starting another
        // "?" would make the first variable part of a parameter called "?name".
        bool hasQuery = query.Length > 0;
        for (int i = 0; i < match.CaptureCount && i < operation.VariableNames.Count; i++)
        {
            if (operation.VariableNames[i] is not { } name)
            {
                continue;
            }

            target.Append(hasQuery ? '&' : '?').Append(name).Append('=').Append(match.CaptureValue(i));
            hasQuery = true;
        }

        return target.ToString();
    }
}
