namespace Portcullis.PolicyEngine.Quotas;

/// <summary>
/// The answer of a quota counter: allowed or not (and which charge ran out), with what the
/// <c>RateLimit-*</c> headers show: the tightest limit, what is left of it, and when it resets.
/// </summary>
public readonly record struct QuotaDecision(bool Allowed, QuotaCharge? Exhausted, long Limit, long Remaining, TimeSpan Reset);
