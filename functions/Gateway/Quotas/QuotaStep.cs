using Portcullis.Gateway.Authentication;
using Portcullis.Gateway.Errors;
using Portcullis.Gateway.Observability;
using Portcullis.Gateway.Sources;
using Portcullis.PolicyEngine.Policy;
using Portcullis.PolicyEngine.Quotas;

namespace Portcullis.Gateway.Quotas;

/// <summary>
/// The pipeline's quota step, after authentication (a refused caller costs nothing) and before
/// the backend: the operation's metric costs against the caller's limits, or 429. The caller is
/// the key's consumer, the Service Control project, or, for a call authenticated by a JWT alone,
/// the token's subject (<c>jwt:PROVIDER:SUB</c>).
/// </summary>
internal sealed class QuotaStep(IQuotaCounter quotas, GatewaySources sources, TimeProvider time)
{
    /// <summary>False when the call was refused (the 429 is written).</summary>
    public async ValueTask<bool> TryChargeAsync(HttpContext context, ApiPolicy policy, ApiOperation operation, AuthOutcome auth, RequestFacts facts)
    {
        string consumer = auth.Key is { } record ? "consumer:" + record.Consumer
            : auth.KeyResult.ConsumerNumber is { } project ? "project:" + project
            : auth.Provider is { } provider ? "jwt:" + provider.Id
            : "anonymous";

        // The metric label stays per provider (bounded); quotas count per subject.
        facts.Consumer = consumer;
        string quotaConsumer = auth.Key is null && auth.KeyResult.ConsumerNumber is null && auth.Claims?.Subject is { } subject
            ? consumer + ":" + subject
            : consumer;
        QuotaCharge[] charges = QuotaPlan.For(policy, operation, quotaConsumer, auth.Key);
        if (charges.Length == 0)
        {
            return true;
        }

        string selector = PolicyEngine.ServiceControl.CheckErrorMapping.Selector(sources.ServiceName, operation.OperationId);
        QuotaDecision decision = await quotas.ConsumeAsync(charges, time.GetUtcNow(), selector, context.RequestAborted).ConfigureAwait(false);
        QuotaHeaders.Apply(context.Response, decision);
        if (decision.Allowed)
        {
            return true;
        }

        QuotaCharge exhausted = decision.Exhausted!.Value;
        await ErrorResponses.WriteAsync(
            context,
            429,
            $"RESOURCE_EXHAUSTED: Quota exceeded for quota metric '{exhausted.Limit.Metric}' and limit '{exhausted.Limit.Name}' ({exhausted.Allowed} per minute) of service '{sources.ServiceName}' for consumer '{exhausted.Scope}'.").ConfigureAwait(false);
        return false;
    }
}
