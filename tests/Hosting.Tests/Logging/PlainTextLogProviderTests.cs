using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Portcullis.Hosting.Logging;

namespace Portcullis.Hosting.Tests.Logging;

public sealed class PlainTextLogProviderTests
{
    [Fact]
    public void Lines_AreTheSimpleConsoleShape_OnePerEntry_WithExceptionsBelow()
    {
        var output = new MemoryStream();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 10, 11, 12, TimeSpan.Zero));
        time.SetLocalTimeZone(TimeZoneInfo.Utc);
        var provider = new PlainTextLogProvider(output, time);
        ILogger logger = provider.CreateLogger("Portcullis.Gateway.Requests");

#pragma warning disable CA1848 // a test of the provider
        logger.LogInformation(new EventId(1001), "GET /v1/things 200");
        logger.LogError(new EventId(7), new InvalidOperationException("boom"), "it failed");
#pragma warning restore CA1848
        provider.Dispose();

        string[] lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n');
        Assert.Equal("10:11:12 info: Portcullis.Gateway.Requests[1001] GET /v1/things 200", lines[0]);
        Assert.Equal("10:11:12 fail: Portcullis.Gateway.Requests[7] it failed", lines[1]);
        Assert.Equal("System.InvalidOperationException: boom", lines[2]);
        Assert.Equal(0, provider.Dropped);
    }

    [Fact]
    public async Task AfterAnIdleSpell_TheNextLineIsStillWritten_WithoutDisposing()
    {
        // The writer sleeps while nothing is logged; a new line must wake it.
        var output = new SharedStream();
        using var provider = new PlainTextLogProvider(output, TimeProvider.System);
        ILogger logger = provider.CreateLogger("T");

#pragma warning disable CA1848 // a test of the provider
        logger.LogInformation("first");
        Assert.True(await UntilAsync(() => output.Text.Contains("first", StringComparison.Ordinal)), "the first line was not written");
        await Task.Delay(10 * LineBatcherFlush);
        logger.LogInformation("second");
        Assert.True(await UntilAsync(() => output.Text.Contains("second", StringComparison.Ordinal)), "a line after an idle spell was not written");
#pragma warning restore CA1848
    }

    [Fact]
    public void ManyThreads_EveryLineWrittenWhole()
    {
        var output = new MemoryStream();
        var provider = new PlainTextLogProvider(output, TimeProvider.System);
        ILogger logger = provider.CreateLogger("T");

        Parallel.For(0, 8, thread =>
        {
            for (int i = 0; i < 1000; i++)
            {
#pragma warning disable CA1848, CA2254 // a test of the provider, not of message templates
                logger.LogInformation($"line {thread} {i} end");
#pragma warning restore CA1848, CA2254
            }
        });
        provider.Dispose();

        string[] lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8000, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^\d\d:\d\d:\d\d info: T\[0\] line \d \d+ end$", l));
        Assert.Equal(8000, lines.Distinct().Count());
    }

    private static readonly TimeSpan LineBatcherFlush = CloudLoggingProvider.FlushInterval;

    private static async Task<bool> UntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        return condition();
    }

    /// <summary>A memory stream whose text can be read while the writer writes.</summary>
    private sealed class SharedStream : MemoryStream
    {
        private readonly Lock _gate = new();

        public string Text
        {
            get
            {
                lock (_gate)
                {
                    return Encoding.UTF8.GetString(ToArray());
                }
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (_gate)
            {
                base.Write(buffer, offset, count);
            }
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (_gate)
            {
                base.Write(buffer);
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
    }
}
