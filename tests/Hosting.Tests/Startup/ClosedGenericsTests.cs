using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portcullis.Hosting.Startup;

namespace Portcullis.Hosting.Tests.Startup;

public sealed class ClosedGenericsTests
{
    private sealed class Widget
    {
        public int Size { get; set; }
    }

    [Fact]
    public void ClosedOptions_RunTheWholeOptionsPipeline()
    {
        var services = new ServiceCollection();
        services.AddOptions();
        ClosedGenerics.AddOptions<Widget>(services);
        services.Configure<Widget>(w => w.Size = 3);
        services.PostConfigure<Widget>(w => w.Size *= 10);
        services.AddOptions<Widget>().Validate(w => w.Size == 30, "size must be 30");
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Equal(30, provider.GetRequiredService<IOptions<Widget>>().Value.Size);
        Assert.Equal(30, provider.GetRequiredService<IOptionsMonitor<Widget>>().CurrentValue.Size);
        Assert.Same(provider.GetRequiredService<IOptions<Widget>>(), provider.GetRequiredService<IOptions<Widget>>());
        Assert.IsType<OptionsFactory<Widget>>(provider.GetRequiredService<IOptionsFactory<Widget>>());
    }

    [Fact]
    public void ClosedOptions_StillFailValidation()
    {
        var services = new ServiceCollection();
        services.AddOptions();
        ClosedGenerics.AddOptions<Widget>(services);
        services.AddOptions<Widget>().Validate(w => w.Size > 0, "size must be positive");
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<Widget>>().Value);
        Assert.Contains("size must be positive", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClosedLogger_HasTheTypesCategory()
    {
        var services = new ServiceCollection();
        var sink = new List<string>();
        services.AddLogging(b => b.AddProvider(new CategorySink(sink)));
        ClosedGenerics.AddLogger<Widget>(services);
        using ServiceProvider provider = services.BuildServiceProvider();

        provider.GetRequiredService<ILogger<Widget>>().LogWarning("hello");

        Assert.Equal([typeof(Widget).FullName!.Replace('+', '.')], sink);
    }

    [Fact]
    public void FunctionHost_UsesTheClosedRegistrations_AndTheSettingsItIsGiven()
    {
        WebApplicationBuilder builder = FunctionHost.CreateBuilder(["--PORT", "0", "--Logging:LogLevel:Portcullis.Test", "Error"]);
        using WebApplication app = builder.Build();

        // The closed factory (not the open generic's internal manager) serves the host's options.
        Assert.IsType<OptionsManager<KestrelServerOptions>>(app.Services.GetRequiredService<IOptions<KestrelServerOptions>>());
        Assert.IsType<OptionsManager<HostOptions>>(app.Services.GetRequiredService<IOptions<HostOptions>>());
        Assert.False(app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.AddServerHeader);

        // The "Logging" section of the arguments/environment still reaches the log filters.
        ILogger logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Portcullis.Test");
        Assert.False(logger.IsEnabled(LogLevel.Warning));
        Assert.True(logger.IsEnabled(LogLevel.Error));

        // Settings come from arguments and the environment only: no appsettings.json source.
        Assert.DoesNotContain(((IConfigurationRoot)app.Configuration).Providers, p => p is Microsoft.Extensions.Configuration.Json.JsonConfigurationProvider);
    }

    private sealed class CategorySink(List<string> categories) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Recorder(categories, categoryName);

        public void Dispose()
        {
        }

        private sealed class Recorder(List<string> categories, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                categories.Add(category);
        }
    }
}
