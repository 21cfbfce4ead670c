using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portcullis.Hosting.Logging;

namespace Portcullis.Hosting.Tests;

public sealed class FunctionHostTests
{
    [Fact]
    public void OnCloudRun_LogsCloudLoggingJsonOnly_WithTheProjectFromTheEnvironment()
    {
        WebApplicationBuilder builder = FunctionHost.CreateBuilder(["--K_SERVICE", "gateway", "--GOOGLE_CLOUD_PROJECT", "my-project", "--PORT", "0"]);
        using WebApplication app = builder.Build();

        ILoggerProvider provider = Assert.Single(app.Services.GetServices<ILoggerProvider>());
        Assert.IsType<CloudLoggingProvider>(provider);
        Assert.Equal("my-project", app.Services.GetRequiredService<IOptionsMonitor<CloudLoggingFormatterOptions>>().CurrentValue.ProjectId);
    }

    [Fact]
    public void Locally_LogsPlainText_Batched()
    {
        WebApplicationBuilder builder = FunctionHost.CreateBuilder(["--PORT", "0"]);
        using WebApplication app = builder.Build();

        ILoggerProvider provider = Assert.Single(app.Services.GetServices<ILoggerProvider>());
        Assert.IsType<PlainTextLogProvider>(provider);
    }
}
