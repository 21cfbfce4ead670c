using System.Net;
using Google;
using Google.Cloud.Storage.V1;
using Portcullis.GoogleCloud.Keyrings;
using StorageObject = Google.Apis.Storage.v1.Data.Object;

namespace Portcullis.GoogleCloud.Storage;

/// <summary>
/// The few Cloud Storage calls the stores make, with the client's exceptions turned into values
/// (not modified, missing, precondition failed) or <see cref="StoreException"/> (anything else).
/// </summary>
internal static class StorageCalls
{
    /// <summary>How long one call may take before the store counts as unreachable.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private const int DownloadChunkSize = 256 * 1024;

    /// <summary>Downloads an object: null when it is missing; <c>NotModified</c> when <paramref name="ifGenerationNotMatch"/> is its generation.</summary>
    public static async Task<Downloaded?> DownloadAsync(
        StorageClient client, string bucket, string name, long? ifGenerationNotMatch, long? ifGenerationMatch, int? expectedSize, CancellationToken cancellationToken, bool validate = true)
    {
        using CancellationTokenSource timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var options = new DownloadObjectOptions
        {
            IfGenerationNotMatch = ifGenerationNotMatch,
            IfGenerationMatch = ifGenerationMatch,

            // The client's read buffer is this big (default 10 MiB, per download): sixteen parallel shard
            // downloads held ~80 MB of them. Objects here are small; one request either way.
            ChunkSize = DownloadChunkSize,
            DownloadValidationMode = validate ? DownloadValidationMode.Always : DownloadValidationMode.Never,
        };

        // A known size gets a fixed buffer: no growing copies of a large shard, and a longer body fails.
        using MemoryStream buffer = expectedSize is { } size ? new MemoryStream(new byte[size], 0, size, writable: true, publiclyVisible: true) : new MemoryStream();
        try
        {
            StorageObject stored = await client.DownloadObjectAsync(bucket, name, buffer, options, timeout.Token).ConfigureAwait(false);
            byte[] data = expectedSize is { } s && buffer.Position == s ? buffer.GetBuffer() : buffer.ToArray();
            if (expectedSize is { } want && buffer.Position != want)
            {
                throw new StoreException($"gs://{bucket}/{name}: {buffer.Position} bytes, the manifest says {want}");
            }

            return new Downloaded(data, stored.Generation ?? 0, false);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.NotModified)
        {
            return new Downloaded([], ifGenerationNotMatch ?? 0, true);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (NotSupportedException e)
        {
            throw new StoreException($"gs://{bucket}/{name}: longer than the manifest says", e);
        }
        catch (Exception e) when (IsStoreFailure(e, cancellationToken))
        {
            throw Failure($"cannot read gs://{bucket}/{name}", e);
        }
    }

    /// <summary>Uploads an object if its generation is still <paramref name="ifGenerationMatch"/> (0: only if it does not exist); null on a lost race.</summary>
    public static async Task<long?> TryUploadAsync(
        StorageClient client, string bucket, string name, string contentType, byte[] data, long ifGenerationMatch, CancellationToken cancellationToken)
    {
        using CancellationTokenSource timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout + TimeSpan.FromSeconds(data.Length / (1 << 20)));
        try
        {
            using var source = new MemoryStream(data, writable: false);
            StorageObject stored = await client.UploadObjectAsync(bucket, name, contentType, source,
                new UploadObjectOptions { IfGenerationMatch = ifGenerationMatch }, timeout.Token).ConfigureAwait(false);
            return stored.Generation ?? throw new StoreException($"gs://{bucket}/{name}: the upload answer has no generation");
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.PreconditionFailed)
        {
            return null;
        }
        catch (Exception e) when (IsStoreFailure(e, cancellationToken))
        {
            throw Failure($"cannot write gs://{bucket}/{name}", e);
        }
    }

    /// <summary>Names and generations of the objects under <paramref name="prefix"/>.</summary>
    public static async Task<List<StorageObject>> ListAsync(StorageClient client, string bucket, string prefix, CancellationToken cancellationToken)
    {
        using CancellationTokenSource timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var objects = new List<StorageObject>();
        try
        {
            await foreach (StorageObject o in client.ListObjectsAsync(bucket, prefix).WithCancellation(timeout.Token).ConfigureAwait(false))
            {
                objects.Add(o);
            }

            return objects;
        }
        catch (Exception e) when (IsStoreFailure(e, cancellationToken))
        {
            throw Failure($"cannot list gs://{bucket}/{prefix}", e);
        }
    }

    /// <summary>Deletes an object if it still has <paramref name="generation"/>; a missing or newer object is left alone.</summary>
    public static async Task DeleteAsync(StorageClient client, string bucket, string name, long generation, CancellationToken cancellationToken)
    {
        try
        {
            await client.DeleteObjectAsync(bucket, name, new DeleteObjectOptions { IfGenerationMatch = generation }, cancellationToken).ConfigureAwait(false);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode is HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed)
        {
            // Already gone, or replaced: nothing to tidy.
        }
    }

    /// <summary>Whether <paramref name="e"/> is the store failing (an error answer, a broken connection, a call timing out), not the caller cancelling.</summary>
    internal static bool IsStoreFailure(Exception e, CancellationToken cancellationToken) =>
        e is GoogleApiException or HttpRequestException or IOException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static StoreException Failure(string what, Exception e) => new(e switch
    {
        GoogleApiException api => $"{what}: {(int)api.HttpStatusCode} {api.Error?.Message ?? api.Message}",
        OperationCanceledException => $"{what}: no answer within {Timeout.TotalSeconds:0} s",
        _ => $"{what}: {e.Message}",
    }, e);

    /// <summary>An object's bytes and generation, or (with <see cref="NotModified"/>) nothing new.</summary>
    public sealed record Downloaded(byte[] Data, long Generation, bool NotModified);
}
