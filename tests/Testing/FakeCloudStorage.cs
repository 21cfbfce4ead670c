using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Portcullis.Testing;

/// <summary>
/// The Cloud Storage JSON API on loopback, as Google.Cloud.Storage.V1 5.0.0 calls it: object
/// metadata, media and ranged download (the whole object's checksums on a range, as the real
/// service sends), resumable, multipart and media upload, gzip request bodies and gzip-stored
/// objects, generation and metageneration preconditions (304 / 412 with Google's error envelope),
/// paged listing, delete. Generations are per write and never reused. Injected failures, a
/// refusing mode (connections accepted, 503 answered) and a request log let tests count reads.
/// </summary>
public sealed partial class FakeCloudStorage : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Bucket, string Name), FakeStoredObject> _objects = new();
    private readonly ConcurrentDictionary<string, FakeUploadSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _log = new();
    private WebApplication _app = null!;
    private long _generation = 1_700_000_000_000_000;
    private int _failuresLeft;
    private int _failureStatus;

    private FakeCloudStorage()
    {
    }

    /// <summary>The server root, <c>http://127.0.0.1:PORT</c> (what <c>PORTCULLIS_STORAGE_URL</c> takes).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Delay before every answer.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Page size used when a list request names none (the real default is 1,000).</summary>
    public int DefaultPageSize { get; set; } = 1000;

    /// <summary>Starts the fake.</summary>
    public static async Task<FakeCloudStorage> StartAsync()
    {
        var fake = new FakeCloudStorage();
        (fake._app, fake.BaseAddress) = await LoopbackHost.StartAsync(fake.HandleAsync).ConfigureAwait(false);
        return fake;
    }

    /// <summary>The next <paramref name="count"/> calls answer <paramref name="status"/> (int.MaxValue: until <see cref="Heal"/>).</summary>
    public void Fail(int status, int count = int.MaxValue)
    {
        _failureStatus = status;
        Volatile.Write(ref _failuresLeft, count);
    }

    /// <summary>Stops injected failures.</summary>
    public void Heal() => Volatile.Write(ref _failuresLeft, 0);

    /// <summary>Every request so far as <c>METHOD /path?query</c> (oldest first), then cleared.</summary>
    public IReadOnlyList<string> TakeLog()
    {
        var taken = new List<string>();
        while (_log.TryDequeue(out string? line))
        {
            taken.Add(line);
        }

        return taken;
    }

    /// <summary>Stores an object directly (no request), as a new generation; returns the generation.</summary>
    public long Put(string bucket, string name, byte[] data, string contentType = "application/octet-stream", string? contentEncoding = null) =>
        Commit(bucket, name, data, contentType, contentEncoding).Generation;

    /// <summary>The live object, or null.</summary>
    public FakeStoredObject? Get(string bucket, string name) => _objects.TryGetValue((bucket, name), out FakeStoredObject? o) ? o : null;

    /// <summary>Names of the live objects in <paramref name="bucket"/>, sorted.</summary>
    public IReadOnlyList<string> Names(string bucket) =>
        _objects.Keys.Where(k => k.Bucket == bucket).Select(k => k.Name).Order(StringComparer.Ordinal).ToList();

    /// <summary>Replaces an object's bytes in place, keeping its generation and checksums (a corrupt object at rest).</summary>
    public void CorruptInPlace(string bucket, string name, byte[] data)
    {
        FakeStoredObject current = _objects[(bucket, name)];
        _objects[(bucket, name)] = current with { Data = data };
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _app.DisposeAsync().ConfigureAwait(false);

    private FakeStoredObject Commit(string bucket, string name, byte[] data, string contentType, string? contentEncoding)
    {
        long generation = Interlocked.Increment(ref _generation);
        var stored = new FakeStoredObject(bucket, name, generation, 1, data, contentType, contentEncoding, DateTimeOffset.UtcNow);
        _objects[(bucket, name)] = stored;
        return stored;
    }

    private async Task HandleAsync(HttpContext context)
    {
        try
        {
            await RouteAsync(context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
        {
            // A bug in the fake shows as a readable 500 rather than an empty one.
            await ErrorAsync(context, 500, "fakeFailure", e.ToString()).ConfigureAwait(false);
        }
    }

    private async Task RouteAsync(HttpContext context)
    {
        string target = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        _log.Enqueue($"{context.Request.Method} {target}");
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, context.RequestAborted).ConfigureAwait(false);
        }

        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            await ErrorAsync(context, _failureStatus, "backendError", "injected failure").ConfigureAwait(false);
            return;
        }

        Interlocked.Exchange(ref _failuresLeft, Math.Max(Volatile.Read(ref _failuresLeft), 0));
        int query = target.IndexOf('?', StringComparison.Ordinal);
        string path = query < 0 ? target : target[..query];
        string[] segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string method = context.Request.Method;

        // /storage/v1/b/{bucket}/o[/{object}]  and  /upload/storage/v1/b/{bucket}/o
        if (segments is ["storage", "v1", "b", var bucket, "o"] && method == "GET")
        {
            await ListAsync(context, Uri.UnescapeDataString(bucket)).ConfigureAwait(false);
        }
        else if (segments is ["storage", "v1", "b", var b2, "o", var name])
        {
            string bucketName = Uri.UnescapeDataString(b2);
            string objectName = Uri.UnescapeDataString(name);
            switch (method)
            {
                case "GET":
                    await GetAsync(context, bucketName, objectName).ConfigureAwait(false);
                    break;
                case "DELETE":
                    await DeleteAsync(context, bucketName, objectName).ConfigureAwait(false);
                    break;
                default:
                    await ErrorAsync(context, 405, "methodNotAllowed", $"{method} is not supported here").ConfigureAwait(false);
                    break;
            }
        }
        else if (segments is ["upload", "storage", "v1", "b", var b3, "o"])
        {
            await UploadAsync(context, Uri.UnescapeDataString(b3)).ConfigureAwait(false);
        }
        else
        {
            await ErrorAsync(context, 404, "notFound", $"no such API: {method} {path}").ConfigureAwait(false);
        }
    }

    // The object, or null once the answer (404, or the failed precondition) has been written.
    private async Task<FakeStoredObject?> FindAsync(HttpContext context, string bucket, string name)
    {
        if (Get(bucket, name) is not { } stored)
        {
            await ErrorAsync(context, 404, "notFound", $"No such object: {bucket}/{name}").ConfigureAwait(false);
            return null;
        }

        if (FakeStoragePreconditions.Evaluate(context.Request.Query, stored) is { } refusal)
        {
            await RefuseAsync(context, refusal).ConfigureAwait(false);
            return null;
        }

        return stored;
    }

    private async Task GetAsync(HttpContext context, string bucket, string name)
    {
        if (await FindAsync(context, bucket, name).ConfigureAwait(false) is not { } stored)
        {
            return;
        }

        if (context.Request.Query["alt"] != "media")
        {
            await WriteJsonAsync(context, 200, FakeStorageJson.Object(stored)).ConfigureAwait(false);
            return;
        }

        HttpResponse response = context.Response;
        response.Headers["X-Goog-Generation"] = stored.Generation.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-Goog-Metageneration"] = stored.Metageneration.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-Goog-Stored-Content-Length"] = stored.StoredLength.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-Goog-Hash"] = $"crc32c={stored.Crc32cBase64},md5={stored.Md5Base64}";
        response.Headers.ETag = stored.ETag;
        response.ContentType = stored.ContentType;
        byte[] body = stored.Data;
        if (stored.ContentEncoding == "gzip")
        {
            response.Headers["X-Goog-Stored-Content-Encoding"] = "gzip";
            if (context.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                response.Headers.ContentEncoding = "gzip";
            }
            else
            {
                // Decompressive transcoding: the checksums above no longer describe these bytes.
                response.Headers["X-Guploader-Response-Body-Transformations"] = "gunzipped";
                body = Gunzip(body);
            }
        }

        // A range carries the whole object's X-Goog-Hash, as the real service does.
        if (FakeStorageRange.TryParse(context.Request.Headers.Range.ToString(), body.Length, out int from, out int to))
        {
            response.StatusCode = 206;
            response.Headers.ContentRange = $"bytes {from}-{to}/{body.Length}";
            response.ContentLength = to - from + 1;
            await response.Body.WriteAsync(body.AsMemory(from, to - from + 1), context.RequestAborted).ConfigureAwait(false);
            return;
        }

        response.StatusCode = 200;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task DeleteAsync(HttpContext context, string bucket, string name)
    {
        if (await FindAsync(context, bucket, name).ConfigureAwait(false) is not { } stored)
        {
            return;
        }

        ((ICollection<KeyValuePair<(string, string), FakeStoredObject>>)_objects).Remove(new((bucket, name), stored));
        context.Response.StatusCode = 204;
    }

    private async Task ListAsync(HttpContext context, string bucket)
    {
        IQueryCollection query = context.Request.Query;
        string prefix = query["prefix"].ToString();
        string? delimiter = query["delimiter"].ToString() is { Length: > 0 } d ? d : null;
        int pageSize = int.TryParse(query["maxResults"], CultureInfo.InvariantCulture, out int max) && max > 0 ? Math.Min(max, 1000) : DefaultPageSize;
        string after = query["pageToken"].ToString() is { Length: > 0 } token
            ? Encoding.UTF8.GetString(Convert.FromBase64String(token))
            : "";
        var items = new List<FakeStoredObject>();
        var prefixes = new SortedSet<string>(StringComparer.Ordinal);
        string? last = null;
        foreach (string name in Names(bucket))
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || string.CompareOrdinal(name, after) <= 0)
            {
                continue;
            }

            if (items.Count + prefixes.Count >= pageSize)
            {
                break;
            }

            last = name;
            int cut = delimiter is null ? -1 : name.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
            if (cut >= 0)
            {
                prefixes.Add(name[..(cut + delimiter!.Length)]);
            }
            else if (Get(bucket, name) is { } stored)
            {
                items.Add(stored);
            }
        }

        bool more = last is not null && Names(bucket).Any(n => n.StartsWith(prefix, StringComparison.Ordinal) && string.CompareOrdinal(n, last) > 0);
        string? next = more ? Convert.ToBase64String(Encoding.UTF8.GetBytes(last!)) : null;
        await WriteJsonAsync(context, 200, FakeStorageJson.List(items, prefixes, next)).ConfigureAwait(false);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        byte[] bytes = buffer.ToArray();
        return request.Headers.ContentEncoding.ToString().Equals("gzip", StringComparison.OrdinalIgnoreCase) ? Gunzip(bytes) : bytes;
    }

    internal static byte[] Gunzip(byte[] data)
    {
        using var input = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static Task RefuseAsync(HttpContext context, int status)
    {
        if (status == 304)
        {
            context.Response.StatusCode = 304;
            return Task.CompletedTask;
        }

        return ErrorAsync(context, 412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
    }

    private static Task ErrorAsync(HttpContext context, int status, string reason, string message) =>
        WriteJsonAsync(context, status, FakeStorageJson.Error(status, reason, message));

    private static async Task WriteJsonAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
    }
}
