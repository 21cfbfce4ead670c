using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Portcullis.Cli.Tests.Deploy;

/// <summary>
/// <c>portcullis deploy</c> when Cloud Run's front end refuses the call before the deployer sees it
/// (an HTML page, not the deployer's JSON): a clear message and exit 1, not an unhandled exception.
/// </summary>
public sealed class DeployRefusedByCloudRunTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("portcullis-cli-refused-").FullName;
    private WebApplication _frontEnd = null!;
    private string _url = "";

    public async Task InitializeAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _frontEnd = builder.Build();
        _frontEnd.MapPost("/v1/configs", (HttpContext context) =>
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentType = "text/html; charset=UTF-8";
            return context.Response.WriteAsync("<html><head><title>403 Forbidden</title></head><body><h1>Error: Forbidden</h1></body></html>");
        });
        await _frontEnd.StartAsync();
        _url = _frontEnd.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
    }

    public async Task DisposeAsync()
    {
        await _frontEnd.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task HtmlRefusal_IsReportedWithItsStatus_AndExit1()
    {
        string config = Path.Combine(_directory, "api.yaml");
        await File.WriteAllTextAsync(config, "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n");

        (int exit, _, string error) = await ConsoleCapture.RunAsync(TimeProvider.System, "deploy", config, "--url", _url, "--token", "not-checked-here");

        Assert.Equal(1, exit);
        Assert.Contains("answered 403 without the deployer's JSON", error, StringComparison.Ordinal);
        Assert.Contains("roles/run.invoker", error, StringComparison.Ordinal);
        Assert.Contains("403 Forbidden", error, StringComparison.Ordinal);
    }
}
