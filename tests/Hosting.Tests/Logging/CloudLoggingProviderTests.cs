using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portcullis.Hosting.Logging;

namespace Portcullis.Hosting.Tests.Logging;

public sealed class CloudLoggingProviderTests
{
    [Fact]
    public void ManyThreads_EveryLineWrittenWhole_OneJsonObjectPerLine_InTheirScopes()
    {
        var output = new MemoryStream();
        var provider = new CloudLoggingProvider(Formatter(), output);
        var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(provider));
        ILogger logger = factory.CreateLogger("Test.Category");

        Parallel.For(0, 8, thread =>
        {
            for (int i = 0; i < 1000; i++)
            {
                using (logger.BeginScope(new Dictionary<string, object?> { [TraceScope.Key] = $"{thread:x16}{i:x16}" }))
                {
#pragma warning disable CA1848, CA2254 // a test of the provider, not of message templates
                    logger.LogInformation("line {Thread} {Index}", thread, i);
#pragma warning restore CA1848, CA2254
                }
            }
        });
        factory.Dispose();
        provider.Dispose();

        string[] lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8000, lines.Length);
        var seen = new HashSet<string>();
        foreach (string line in lines)
        {
            JsonElement json = JsonDocument.Parse(line).RootElement;
            string message = json.GetProperty("message").GetString()!;
            string[] parts = message.Split(' ');
            Assert.Equal($"projects/p/traces/{int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture):x16}{int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture):x16}", json.GetProperty("logging.googleapis.com/trace").GetString());
            Assert.True(seen.Add(message));
        }

        Assert.Equal(0, provider.Dropped);
    }

    [Fact]
    public void WhatIsQueuedAtDispose_IsWritten()
    {
        var output = new MemoryStream();
        var provider = new CloudLoggingProvider(Formatter(), output);
        ILogger logger = provider.CreateLogger("Test.Category");

#pragma warning disable CA1848 // a test of the provider
        logger.LogWarning("the last words");
#pragma warning restore CA1848
        provider.Dispose();

        JsonElement json = JsonDocument.Parse(Encoding.UTF8.GetString(output.ToArray())).RootElement;
        Assert.Equal("WARNING", json.GetProperty("severity").GetString());
        Assert.Equal("the last words", json.GetProperty("message").GetString());
    }

    [Fact]
    public void LinesFromThreadsThatEnded_AreStillWritten()
    {
        var output = new MemoryStream();
        var provider = new CloudLoggingProvider(Formatter(), output);
        ILogger logger = provider.CreateLogger("Test.Category");
        for (int i = 0; i < 20; i++)
        {
            // Each line from a thread of its own that ends at once.
            var thread = new Thread(n =>
            {
#pragma warning disable CA1848, CA2254 // a test of the provider
                logger.LogInformation($"from thread {n}");
#pragma warning restore CA1848, CA2254
            });
            thread.Start(i);
            thread.Join();
            if (i % 5 == 0)
            {
                Thread.Sleep(3 * CloudLoggingProvider.FlushInterval);
            }
        }

        provider.Dispose();

        string[] lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            Enumerable.Range(0, 20).Select(i => $"from thread {i}").Order(StringComparer.Ordinal),
            lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("message").GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void LinesAfterDispose_AreCountedAsDropped_NotWritten()
    {
        var output = new MemoryStream();
        var provider = new CloudLoggingProvider(Formatter(), output);
        ILogger logger = provider.CreateLogger("Test.Category");
        provider.Dispose();
        long written = output.Length;

#pragma warning disable CA1848 // a test of the provider
        logger.LogWarning("too late");
#pragma warning restore CA1848

        Assert.Equal(1, provider.Dropped);
        Assert.Equal(written, output.Length);
    }

    private static CloudLoggingFormatter Formatter() =>
        new(new StaticOptions(new CloudLoggingFormatterOptions { ProjectId = "p" }));

    private sealed class StaticOptions(CloudLoggingFormatterOptions value) : IOptionsMonitor<CloudLoggingFormatterOptions>
    {
        public CloudLoggingFormatterOptions CurrentValue => value;

        public CloudLoggingFormatterOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<CloudLoggingFormatterOptions, string?> listener) => null;
    }
}
