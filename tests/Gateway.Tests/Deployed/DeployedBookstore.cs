using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Deployed;

/// <summary>One deployed gateway on <see cref="Configs.Bookstore"/>, its echo backend and metadata server, shared by a test class.</summary>
public sealed class DeployedBookstore : IAsyncLifetime
{
    /// <summary>The audience of <c>/v1/notoken</c>, for which the metadata server has no token.</summary>
    internal const string NoTokenAudience = "https://no-token-for-this.example.com";

    internal EchoBackend Backend { get; private set; } = null!;

    internal FakeMetadataServer Metadata { get; private set; } = null!;

    internal DeployedGateway Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Backend = await EchoBackend.StartAsync();
        Metadata = await FakeMetadataServer.StartAsync();
        // Before the start: the gateway fetches its backends' ID tokens as it starts.
        Metadata.FailIdentityFor(NoTokenAudience);
        Gateway = await DeployedGateway.StartAsync(Configs.Bookstore, Backend.BaseAddress, Metadata);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Metadata.DisposeAsync();
        await Backend.DisposeAsync();
    }
}
