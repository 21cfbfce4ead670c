using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.GoogleCloud.IdTokens;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Faults;

/// <summary>
/// Fault matrix (issue 8), the metadata server that mints the backends' ID tokens: down, hanging,
/// erroring or answering garbage. The gateway never forwards without a token, answers 503 within
/// its token budget, serves from a cached token while it is valid, and recovers by itself.
/// Faults are scoped to an audience of the test's own, so the process-wide fake stays usable.
/// </summary>
public sealed class MetadataServerFaultTests : GatewayTestBase
{
    private const string NoToken = "UNAVAILABLE: Token not found for the backend audience.";

    // Far below the hang (until healed) and far above the budget: a request that waited for the
    // hang instead of the budget fails this guard instead of passing slowly.
    private static readonly TimeSpan s_guard = TimeSpan.FromSeconds(20);

    private readonly string _audience = $"https://faults-{Guid.NewGuid():N}.example.com";

    private FakeMetadataServer Metadata => Gateway.Metadata;

    internal override Task<TestGateway> StartGatewayAsync(EchoBackend backend) => TestGateway.StartAsync(
        $$"""
        swagger: "2.0"
        info: { title: Faults, version: "1" }
        x-google-backend: { address: "{backend}", jwt_audience: "{{_audience}}" }
        paths:
          /work:
            get: { operationId: work, security: [] }
        """,
        backend.BaseAddress,
        null,

        // The token budget is a constructor argument (default 5 s); a short one keeps the hang case quick.
        services => services.AddSingleton<IIdTokenSource>(new GoogleIdTokenSource(TimeSpan.FromSeconds(2))));

    public override async Task DisposeAsync()
    {
        Metadata.HealIdentityFor(_audience);
        await base.DisposeAsync();
    }

    [Theory]
    [InlineData(IdentityFault.Reset)]
    [InlineData(IdentityFault.Hang)]
    [InlineData(IdentityFault.ServerError)]
    [InlineData(IdentityFault.NotJwt)]
    [InlineData(IdentityFault.MalformedJwt)]
    public async Task IdentityFault_Is503_NothingForwarded_ThenRecovers(IdentityFault fault)
    {
        Metadata.SetIdentityFault(_audience, fault);

        for (int i = 0; i < 2; i++)
        {
            HttpResponseMessage refused = await Gateway.GetAsync("/work").WaitAsync(s_guard);
            await ErrorAssert.IsAsync(refused, HttpStatusCode.ServiceUnavailable, NoToken);
        }

        Assert.Equal(0, Backend.RequestCount);
        Assert.Contains(_audience, Metadata.IdentityRequests);

        Metadata.HealIdentityFor(_audience);
        HttpResponseMessage response = await Gateway.GetAsync("/work").WaitAsync(s_guard);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertForwardedWithValidToken();
    }

    [Theory]
    [InlineData(IdentityFault.Reset)]
    [InlineData(IdentityFault.Hang)]
    [InlineData(IdentityFault.NotJwt)]
    public async Task CachedToken_KeepsServing_WhileTheMetadataServerFails(IdentityFault fault)
    {
        Assert.Equal(HttpStatusCode.OK, (await Gateway.GetAsync("/work")).StatusCode);
        int fetches = Metadata.IdentityRequests.Count(a => a == _audience);

        Metadata.SetIdentityFault(_audience, fault);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Gateway.GetAsync("/work").WaitAsync(s_guard)).StatusCode);
            AssertForwardedWithValidToken();
        }

        Assert.Equal(fetches, Metadata.IdentityRequests.Count(a => a == _audience));
    }

    private void AssertForwardedWithValidToken()
    {
        string authorization = Backend.Last!.Header("Authorization") ?? "";
        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);
        Assert.True(Metadata.TryValidateIdToken(authorization["Bearer ".Length..], _audience, out string? error), error);
    }
}
