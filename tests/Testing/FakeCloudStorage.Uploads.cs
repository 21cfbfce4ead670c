using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Portcullis.PolicyEngine.Keys;

namespace Portcullis.Testing;

/// <summary>Uploads: <c>uploadType=resumable</c> (what the 5.0.0 client always uses), <c>multipart</c> and <c>media</c>.</summary>
public sealed partial class FakeCloudStorage
{
    private async Task UploadAsync(HttpContext context, string bucket)
    {
        IQueryCollection query = context.Request.Query;
        string uploadType = query["uploadType"].ToString();
        switch (context.Request.Method, uploadType)
        {
            case ("POST", "resumable"):
                await StartResumableAsync(context, bucket).ConfigureAwait(false);
                break;
            case ("PUT", "resumable"):
                await ContinueResumableAsync(context).ConfigureAwait(false);
                break;
            case ("POST", "multipart"):
                await MultipartAsync(context, bucket).ConfigureAwait(false);
                break;
            case ("POST", "media"):
                byte[] data = await ReadBodyAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
                await CommitUploadAsync(context, bucket, query["name"].ToString(), context.Request.ContentType ?? "application/octet-stream", null, query, data, null).ConfigureAwait(false);
                break;
            default:
                await ErrorAsync(context, 400, "invalid", $"unsupported upload: {context.Request.Method} uploadType={uploadType}").ConfigureAwait(false);
                break;
        }
    }

    private async Task StartResumableAsync(HttpContext context, string bucket)
    {
        byte[] body = await ReadBodyAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        JsonNode? metadata = body.Length == 0 ? null : JsonNode.Parse(body);
        string? name = metadata?["name"]?.GetValue<string>() ?? context.Request.Query["name"].ToString();
        if (string.IsNullOrEmpty(name))
        {
            await ErrorAsync(context, 400, "required", "Required: object name").ConfigureAwait(false);
            return;
        }

        // Preconditions are named at the start and evaluated when the object is committed (storage-testbench gcs/upload.py).
        string contentType = metadata?["contentType"]?.GetValue<string>() ?? context.Request.Headers["X-Upload-Content-Type"].ToString();
        string id = Guid.NewGuid().ToString("N");
        _sessions[id] = new FakeUploadSession(bucket, name, contentType.Length == 0 ? "application/octet-stream" : contentType,
            metadata?["contentEncoding"]?.GetValue<string>(), context.Request.Query);
        context.Response.StatusCode = 200;
        context.Response.Headers.Location = $"{BaseAddress.ToString().TrimEnd('/')}/upload/storage/v1/b/{Uri.EscapeDataString(bucket)}/o?uploadType=resumable&upload_id={id}";
    }

    private async Task ContinueResumableAsync(HttpContext context)
    {
        if (!_sessions.TryGetValue(context.Request.Query["upload_id"].ToString(), out FakeUploadSession? session))
        {
            await ErrorAsync(context, 404, "notFound", "No such upload session").ConfigureAwait(false);
            return;
        }

        byte[] chunk = await ReadBodyAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        long? total = null;
        string range = context.Request.Headers.ContentRange.ToString();
        int slash = range.LastIndexOf('/');
        if (slash >= 0 && long.TryParse(range[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out long declared))
        {
            total = declared;
        }

        lock (session)
        {
            session.Received.Write(chunk);
        }

        if (total is null || session.Received.Length < total)
        {
            context.Response.StatusCode = 308;
            if (session.Received.Length > 0)
            {
                context.Response.Headers["Range"] = $"bytes=0-{session.Received.Length - 1}";
            }

            return;
        }

        _sessions.TryRemove(context.Request.Query["upload_id"].ToString(), out _);
        await CommitUploadAsync(context, session.Bucket, session.Name, session.ContentType, session.ContentEncoding,
            session.Preconditions, session.Received.ToArray(), context.Request.Headers["X-Goog-Hash"].ToString()).ConfigureAwait(false);
    }

    private async Task MultipartAsync(HttpContext context, string bucket)
    {
        string boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(context.Request.ContentType).Boundary).Value ?? "";
        byte[] body = await ReadBodyAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var reader = new MultipartReader(boundary, new MemoryStream(body));
        MultipartSection? metadataPart = await reader.ReadNextSectionAsync(context.RequestAborted).ConfigureAwait(false);
        string? metadataText = metadataPart is null ? null : await new StreamReader(metadataPart.Body).ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        MultipartSection? mediaPart = await reader.ReadNextSectionAsync(context.RequestAborted).ConfigureAwait(false);
        if (metadataText is null || mediaPart is null)
        {
            await ErrorAsync(context, 400, "invalid", "multipart upload needs a metadata part and a media part").ConfigureAwait(false);
            return;
        }

        JsonNode? metadata = JsonNode.Parse(metadataText);
        using var media = new MemoryStream();
        await mediaPart.Body.CopyToAsync(media, context.RequestAborted).ConfigureAwait(false);
        string name = metadata?["name"]?.GetValue<string>() ?? context.Request.Query["name"].ToString();
        string contentType = metadata?["contentType"]?.GetValue<string>() ?? mediaPart.ContentType ?? "application/octet-stream";
        await CommitUploadAsync(context, bucket, name, contentType, metadata?["contentEncoding"]?.GetValue<string>(),
            context.Request.Query, media.ToArray(), null).ConfigureAwait(false);
    }

    private async Task CommitUploadAsync(
        HttpContext context, string bucket, string name, string contentType, string? contentEncoding, IQueryCollection preconditions, byte[] data, string? hashHeader)
    {
        if (ExpectedCrc32c(hashHeader) is { } expected && expected != Convert.ToBase64String(FakeStoredObject.BigEndian(Crc32C.Compute(data))))
        {
            await ErrorAsync(context, 400, "invalid", "Provided CRC32C \"" + expected + "\" doesn't match calculated CRC32C").ConfigureAwait(false);
            return;
        }

        FakeStoredObject stored;
        lock (_objects)
        {
            if (FakeStoragePreconditions.Evaluate(preconditions, Get(bucket, name), write: true) is not null)
            {
                stored = null!;
            }
            else
            {
                stored = Commit(bucket, name, data, contentType, contentEncoding);
            }
        }

        if (stored is null)
        {
            await RefuseAsync(context, 412).ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, 200, FakeStorageJson.Object(stored)).ConfigureAwait(false);
    }

    private static string? ExpectedCrc32c(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        foreach (string part in header.Split(','))
        {
            string trimmed = part.Trim();
            if (trimmed.StartsWith("crc32c=", StringComparison.Ordinal))
            {
                return trimmed["crc32c=".Length..];
            }
        }

        return null;
    }
}
