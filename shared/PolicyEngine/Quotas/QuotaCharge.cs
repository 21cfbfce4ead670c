using Portcullis.PolicyEngine.Policy;

namespace Portcullis.PolicyEngine.Quotas;

/// <summary>One unit of quota accounting for a request: <paramref name="Cost"/> against <paramref name="Allowed"/> per minute, counted under <paramref name="Scope"/>.</summary>
public readonly record struct QuotaCharge(QuotaLimit Limit, string Scope, long Cost, long Allowed);
