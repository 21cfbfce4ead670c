using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Infrastructure;

/// <summary>An echo backend and a gateway in front of it, per test.</summary>
public abstract class GatewayTestBase : IAsyncLifetime
{
    internal EchoBackend Backend { get; private set; } = null!;

    internal TestGateway Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Backend = await EchoBackend.StartAsync();
        Gateway = await StartGatewayAsync(Backend);
    }

    public virtual async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
    }

    /// <summary>Starts the gateway under test in front of <paramref name="backend"/>.</summary>
    internal abstract Task<TestGateway> StartGatewayAsync(EchoBackend backend);

    /// <summary>Polls until <paramref name="target"/> answers <paramref name="expected"/>; bounded (10 s), no timing asserted.</summary>
    internal async Task<bool> EventuallyAsync(string target, System.Net.HttpStatusCode expected)
    {
        for (int i = 0; i < 100; i++)
        {
            if ((await Gateway.GetAsync(target)).StatusCode == expected)
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
