namespace Portcullis.PolicyEngine.Policy;

/// <summary>A quota limit: at most <paramref name="PerMinute"/> units of <paramref name="Metric"/> per consumer per minute.</summary>
/// <param name="Name">The limit's name (<c>quota.limits[].name</c>).</param>
/// <param name="Metric">The metric it counts.</param>
/// <param name="PerMinute">The STANDARD value for <c>1/min/{project}</c>.</param>
public sealed record QuotaLimit(string Name, string Metric, long PerMinute);
