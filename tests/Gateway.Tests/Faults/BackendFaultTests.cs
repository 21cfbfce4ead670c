using System.Net;
using Microsoft.AspNetCore.Http;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Faults;

/// <summary>
/// Fault matrix (issue 8), the backend: it drops the connection before answering, answers with
/// headers no proxy should accept, or dies or stalls half-way through the body. Refused
/// connections and a backend slower than <c>deadline</c> are in <see cref="GatewayFailureTests"/>.
/// </summary>
public sealed class BackendFaultTests : GatewayTestBase
{
    private const string Config = """
        swagger: "2.0"
        info: { title: Faults, version: "1" }
        x-google-backend: { address: "{backend}", deadline: 1.0 }
        paths:
          /work:
            get: { operationId: work, security: [] }
        """;

    private const int DeclaredLength = 100_000;

    internal override Task<TestGateway> StartGatewayAsync(EchoBackend backend) => TestGateway.StartAsync(Config, backend.BaseAddress);

    [Fact]
    public async Task BackendClosesBeforeHeaders_Is503_ConnectionTermination()
    {
        Backend.Handler = context =>
        {
            context.Abort();
            return Task.CompletedTask;
        };

        HttpResponseMessage response = await Gateway.GetAsync("/work");

        await ErrorAssert.IsAsync(
            response,
            HttpStatusCode.ServiceUnavailable,
            "upstream connect error or disconnect/reset before headers. reset reason: connection termination");
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task OversizedResponseHeader_Is502_ProtocolError_HeaderNotPassedOn()
    {
        string huge = new('x', 100 * 1024);
        Backend.Handler = context =>
        {
            context.Response.Headers["X-Huge"] = huge;
            return context.Response.WriteAsync("hello");
        };

        HttpResponseMessage response = await Gateway.GetAsync("/work");

        await ErrorAssert.IsAsync(
            response,
            HttpStatusCode.BadGateway,
            "upstream connect error or disconnect/reset before headers. reset reason: protocol error");
        Assert.False(response.Headers.Contains("X-Huge"));
        await AssertStillServingAsync();
    }

    [Theory]
    [InlineData("reset", false)]
    [InlineData("reset", true)]
    [InlineData("stall past deadline", false)]
    [InlineData("stall past deadline", true)]
    public async Task BackendFailsMidBody_ClientSeesAnAbortedResponse_NeverAShortCompleteOne(string fault, bool chunked)
    {
        var headersSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Backend.Handler = async context =>
        {
            context.Response.StatusCode = 200;
            if (!chunked)
            {
                context.Response.ContentLength = DeclaredLength;
            }

            await context.Response.Body.WriteAsync(new byte[1000], context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            if (fault == "reset")
            {
                // Reset only once the client holds the headers: a reset that overtakes them on the
                // wire is the "before headers" case, answered 503 above.
                await headersSeen.Task.WaitAsync(context.RequestAborted);
                context.Abort();
            }
            else
            {
                // Cut short when the gateway gives up on the backend at the deadline.
                await Task.Delay(TimeSpan.FromMinutes(1), context.RequestAborted);
            }
        };

        using var request = new HttpRequestMessage(HttpMethod.Get, "/work");
        using HttpResponseMessage response = await Gateway.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(chunked ? null : DeclaredLength, response.Content.Headers.ContentLength);
        headersSeen.SetResult();

        // The status line and headers are already out, so the gateway cannot turn this into an
        // error status; it must abort, so that no client takes the short body for the whole one.
        // (A chunked body cut short without its last chunk, or fewer bytes than Content-Length,
        // is what HttpClient reports as an IOException.)
        Stream body = await response.Content.ReadAsStreamAsync();
        await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(Stream.Null)).WaitAsync(TimeSpan.FromSeconds(30));
        await AssertStillServingAsync();
    }

    private async Task AssertStillServingAsync()
    {
        Backend.Handler = null;
        Assert.Equal(HttpStatusCode.OK, (await Gateway.GetAsync("/work")).StatusCode);
    }
}
