using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.Gateway.Forwarding;

/// <summary>What the transformer needs to build one backend request. One small object per request.</summary>
internal sealed record ForwardingState(
    ApiPolicy Policy,
    BackendRule Backend,
    string Target,
    string? IdToken,
    KeyRecord? Key,
    string? ConsumerType = null,
    string? ConsumerNumber = null,
    string? UserInfo = null);
