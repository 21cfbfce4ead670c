using System.Globalization;
using Portcullis.PolicyEngine.Policy;
using Portcullis.PolicyEngine.Yaml;

namespace Portcullis.PolicyEngine.Compilation;

/// <summary>
/// Reads quota metrics and limits (Swagger 2.0 <c>x-google-management</c>, OpenAPI 3
/// <c>x-google-api-management</c>) and per-operation <c>x-google-quota.metricCosts</c>.
/// Only <c>1/min/{project}</c> and the STANDARD tier exist, as on API Gateway.
/// </summary>
internal sealed class QuotaReader(DiagnosticBag diagnostics)
{
    private const string Unit = "1/min/{project}";
    private readonly HashSet<string> _metrics = new(StringComparer.Ordinal);
    private readonly List<QuotaLimit> _limits = [];

    public IReadOnlyList<QuotaLimit> Limits => _limits;

    public void ReadSwagger(ConfigNode management)
    {
        if (management.TryGet("metrics", out ConfigNode metrics))
        {
            foreach (ConfigNode metric in metrics.Items())
            {
                if (metric.TryGet("name", out ConfigNode name) && name.Scalar is { Length: > 0 } n)
                {
                    _metrics.Add(n);
                }
                else
                {
                    diagnostics.Error(metric, "a metric needs a 'name'");
                }
            }
        }

        if (management.TryGet("quota", out ConfigNode quota) && quota.TryGet("limits", out ConfigNode limits))
        {
            foreach (ConfigNode limit in limits.Items())
            {
                string? name = limit.TryGet("name", out ConfigNode n) ? n.Scalar : null;
                string? unit = limit.TryGet("unit", out ConfigNode u) ? u.Scalar : null;
                if (unit != Unit)
                {
                    diagnostics.Error(u.Node is null ? limit : u, $"quota unit '{unit}' is not supported; the only unit is \"{Unit}\" (per minute per consumer)");
                    continue;
                }

                long? value = limit.TryGet("values", out ConfigNode values) && values.TryGet("STANDARD", out ConfigNode standard)
                    ? ReadCount(standard, "a quota value")
                    : Missing(limit, "a quota limit needs values.STANDARD");
                AddLimit(limit, name, limit.TryGet("metric", out ConfigNode m) ? m : limit, value);
            }
        }
    }

    public void ReadOpenApi3(ConfigNode management)
    {
        if (management.TryGet("metrics", out ConfigNode metrics))
        {
            foreach ((string name, ConfigNode _) in metrics.Entries())
            {
                _metrics.Add(name);
            }
        }

        if (!management.TryGet("quota", out ConfigNode quota))
        {
            return;
        }

        foreach ((string _, ConfigNode group) in quota.Entries())
        {
            if (!group.TryGet("limits", out ConfigNode limits))
            {
                continue;
            }

            foreach ((string name, ConfigNode limit) in limits.Entries())
            {
                long? value = limit.TryGet("values", out ConfigNode values) ? ReadCount(values, "a quota value") : Missing(limit, "a quota limit needs 'values'");
                AddLimit(limit, name, limit.TryGet("metric", out ConfigNode m) ? m : limit, value);
            }
        }
    }

    /// <summary>Reads an operation's <c>x-google-quota.metricCosts</c>; null when it has none.</summary>
    public IReadOnlyDictionary<string, long>? ReadCosts(ConfigNode operation)
    {
        if (!operation.TryGet("x-google-quota", out ConfigNode quota) || !quota.TryGet("metricCosts", out ConfigNode costs))
        {
            return null;
        }

        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach ((string metric, ConfigNode cost) in costs.Entries())
        {
            if (!_metrics.Contains(metric))
            {
                diagnostics.Error(cost, $"metricCosts names metric '{metric}', which is not defined in the quota metrics");
                continue;
            }

            if (ReadCount(cost, "a metric cost") is { } value)
            {
                // ESPv2 sends a cost of 0 as 1.
                result[metric] = Math.Max(1, value);
            }
        }

        return result.Count == 0 ? null : result;
    }

    private void AddLimit(ConfigNode at, string? name, ConfigNode metricNode, long? value)
    {
        if (string.IsNullOrEmpty(name))
        {
            diagnostics.Error(at, "a quota limit needs a 'name'");
            return;
        }

        string? metric = metricNode.Scalar;
        if (metric is null || !_metrics.Contains(metric))
        {
            diagnostics.Error(metricNode, $"quota limit '{name}' counts metric '{metric}', which is not defined in the quota metrics");
            return;
        }

        if (_limits.Exists(l => l.Name == name))
        {
            diagnostics.Error(at, $"quota limit '{name}' is defined twice");
            return;
        }

        if (value is { } v)
        {
            _limits.Add(new QuotaLimit(name, metric, v));
        }
    }

    private long? ReadCount(ConfigNode node, string what)
    {
        if (long.TryParse(node.Scalar, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) && value >= 0)
        {
            return value;
        }

        diagnostics.Error(node, $"{what} must be a whole number of 0 or more, not '{node.Scalar}'");
        return null;
    }

    private long? Missing(ConfigNode at, string message)
    {
        diagnostics.Error(at, message);
        return null;
    }
}
