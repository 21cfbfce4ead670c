using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests;

/// <summary>
/// <c>PORTCULLIS_INLINE_IO</c>: on by default, both halves (the runtime's inline socket completions
/// and Kestrel's inline scheduling); <c>off</c> turns both off; an operator's explicit runtime
/// setting wins. Every other functional test runs with Kestrel's half on, as production does.
/// </summary>
public sealed class InlineIoTests
{
    [Fact]
    public async Task KestrelHalf_OnByDefault()
    {
        await using TestGateway gateway = await TestGateway.StartAsync(Configs.Things);

        Assert.True(gateway.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling);
    }

    [Fact]
    public async Task KestrelHalf_Off_WhenSettingIsOff()
    {
        await using TestGateway gateway = await TestGateway.StartAsync(Configs.Things, null, null, "--PORTCULLIS_INLINE_IO", "off");

        Assert.False(gateway.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling);
    }

    [Fact]
    public async Task BadValue_IsAStartError_NamingTheSetting()
    {
        string directory = Directory.CreateTempSubdirectory("portcullis-inline-").FullName;
        string config = Path.Combine(directory, "openapi.yaml");
        await File.WriteAllTextAsync(config, Configs.Things.Replace("{backend}", "http://127.0.0.1:9", StringComparison.Ordinal));

        (int exitCode, _, string errors) = await ProcessRun.GatewayAsync(
            "--PORT", "0", "--PORTCULLIS_BIND", "loopback", "--PORTCULLIS_CONFIG", config, "--PORTCULLIS_INLINE_IO", "yes");

        Assert.Equal(1, exitCode);
        Assert.Contains("PORTCULLIS_INLINE_IO must be 'on' or 'off', not 'yes'", errors, StringComparison.Ordinal);
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>
    /// The runtime half is process-wide and read when the first socket opens, so it is checked on the
    /// gateway as a process. Observable from outside: with inline completions the runtime runs one
    /// socket engine thread per processor (pinned to 2 here), without them one.
    /// </summary>
    [Theory]
    [InlineData(null, null, 2)]
    [InlineData("off", null, 1)]
    [InlineData(null, "0", 1)]
    public async Task RuntimeHalf_SocketEngineThreads(string? setting, string? runtimeVariable, int engineThreads)
    {
        await using EchoBackend backend = await EchoBackend.StartAsync();
        string directory = Directory.CreateTempSubdirectory("portcullis-inline-").FullName;
        await using (GatewayProcess gateway = await GatewayProcess.StartAsync(
            "dotnet",
            [ProcessRun.GatewayDll],
            directory,
            backend.BaseAddress,
            [("DOTNET_PROCESSOR_COUNT", "2"), ("PORTCULLIS_BACKEND_AUTH", "off"), ("PORTCULLIS_INLINE_IO", setting), (InlineIo.RuntimeVariable, runtimeVariable)]))
        {
            using var client = new HttpClient();
            HttpResponseMessage ok = await client.GetAsync(new Uri(gateway.Address, "/things/7?key=" + TestGateway.ValidKey));
            Assert.True(ok.StatusCode == HttpStatusCode.OK, $"{(int)ok.StatusCode}\n{gateway.Output()}");

            string[] threads = [.. Directory.GetDirectories($"/proc/{gateway.Id}/task").Select(task => File.ReadAllText(Path.Combine(task, "comm")).Trim())];
            Assert.Equal(engineThreads, threads.Count(name => name == ".NET Sockets"));
        }

        Directory.Delete(directory, recursive: true);
    }
}
