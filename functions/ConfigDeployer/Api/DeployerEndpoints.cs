using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Portcullis.ConfigDeployer.Auth;
using Portcullis.ConfigDeployer.Deploying;
using Portcullis.GoogleCloud.Configs;
using Portcullis.GoogleCloud.Keyrings;

namespace Portcullis.ConfigDeployer.Api;

/// <summary>The deployer's HTTP API: every call needs an allowed caller; every answer is JSON.</summary>
internal static class DeployerEndpoints
{
    /// <summary>A config is text; anything bigger than this is not one.</summary>
    private const int MaxBodyBytes = 1024 * 1024;

    public static void Map(WebApplication app)
    {
        app.MapPost("/v1/configs", DeployAsync);
        app.MapGet("/v1/configs", ListAsync);
        app.MapGet("/v1/configs/live", LiveAsync);
        app.MapPost("/v1/configs:rollback", RollbackAsync);
    }

    private static Task DeployAsync(HttpContext context, Deployer deployer, CallerVerifier callers, ILogger<Deployer> logger) =>
        GuardedAsync(context, callers, logger, async email =>
        {
            string? body = await ReadBodyAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
            if (body is null)
            {
                await WriteAsync(context, 413, new ErrorResponse(413, $"INVALID_ARGUMENT: a config is at most {MaxBodyBytes} bytes"), DeployerJsonContext.Default.ErrorResponse).ConfigureAwait(false);
                return;
            }

            DeployOutcome outcome = await deployer.DeployAsync(
                body,
                email,
                Flag(context.Request, "dryRun"),
                Flag(context.Request, "allowDowngrade"),
                context.RequestAborted).ConfigureAwait(false);
            await (outcome.Response is { } ok
                ? WriteAsync(context, outcome.Status, ok, DeployerJsonContext.Default.DeployResponse)
                : WriteAsync(context, outcome.Status, outcome.Error!, DeployerJsonContext.Default.ErrorResponse)).ConfigureAwait(false);
        });

    private static Task ListAsync(HttpContext context, IConfigStore store, CallerVerifier callers, ILogger<Deployer> logger) =>
        GuardedAsync(context, callers, logger, async _ =>
        {
            ConfigVersion? live = await store.GetLiveAsync(context.RequestAborted).ConfigureAwait(false);
            IReadOnlyList<ConfigVersionInfo> versions = await store.ListAsync(context.RequestAborted).ConfigureAwait(false);
            await WriteAsync(context, 200, new VersionsResponse(live?.Info.Version, versions), DeployerJsonContext.Default.VersionsResponse).ConfigureAwait(false);
        });

    private static Task LiveAsync(HttpContext context, IConfigStore store, CallerVerifier callers, ILogger<Deployer> logger) =>
        GuardedAsync(context, callers, logger, async _ =>
        {
            ConfigVersion? live = await store.GetLiveAsync(context.RequestAborted).ConfigureAwait(false);
            await (live is null
                ? WriteAsync(context, 404, new ErrorResponse(404, "NOT_FOUND: no config has been deployed yet"), DeployerJsonContext.Default.ErrorResponse)
                : WriteAsync(context, 200, new LiveResponse(live.Info, live.Content), DeployerJsonContext.Default.LiveResponse)).ConfigureAwait(false);
        });

    private static Task RollbackAsync(HttpContext context, Deployer deployer, CallerVerifier callers, ILogger<Deployer> logger) =>
        GuardedAsync(context, callers, logger, async email =>
        {
            RollbackRequest? request = null;
            try
            {
                request = await JsonSerializer.DeserializeAsync(context.Request.Body, DeployerJsonContext.Default.RollbackRequest, context.RequestAborted).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                // Answered below.
            }

            if (request?.Version is not { Length: > 0 } version)
            {
                await WriteAsync(context, 400, new ErrorResponse(400, "INVALID_ARGUMENT: the body must be {\"version\": \"N\"}"), DeployerJsonContext.Default.ErrorResponse).ConfigureAwait(false);
                return;
            }

            (int status, RollbackResponse? ok, ErrorResponse? error) = await deployer.RollbackAsync(version, email, context.RequestAborted).ConfigureAwait(false);
            await (ok is not null
                ? WriteAsync(context, status, ok, DeployerJsonContext.Default.RollbackResponse)
                : WriteAsync(context, status, error!, DeployerJsonContext.Default.ErrorResponse)).ConfigureAwait(false);
        });

    private static async Task GuardedAsync(HttpContext context, CallerVerifier callers, ILogger logger, Func<string, Task> action)
    {
        CallerCheck caller = await callers.VerifyAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        if (caller.Email is not { } email || caller.Status != 200)
        {
            DeployerLog.CallerRefused(logger, caller.Message);
            await WriteAsync(context, caller.Status, new ErrorResponse(caller.Status, caller.Message), DeployerJsonContext.Default.ErrorResponse).ConfigureAwait(false);
            return;
        }

        try
        {
            await action(email).ConfigureAwait(false);
        }
        catch (PayloadTooLargeException e)
        {
            await WriteAsync(context, 413, new ErrorResponse(413, "INVALID_ARGUMENT: " + e.Message), DeployerJsonContext.Default.ErrorResponse).ConfigureAwait(false);
        }
        catch (StoreException e)
        {
            // Nothing was half-written: every store write is a compare-and-swap or an atomic rename.
            DeployerLog.StoreFailed(logger, e.Message);
            await WriteAsync(context, 503, new ErrorResponse(503, "UNAVAILABLE: the config store is unavailable: " + e.Message), DeployerJsonContext.Default.ErrorResponse).ConfigureAwait(false);
        }
    }

    private static async Task<string?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static bool Flag(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out Microsoft.Extensions.Primitives.StringValues value)
        && (value.ToString() is "true" or "1" or "");

    private static Task WriteAsync<T>(HttpContext context, int status, T body, JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, body, type, context.RequestAborted);
    }
}
