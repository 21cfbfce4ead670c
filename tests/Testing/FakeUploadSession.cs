using Microsoft.AspNetCore.Http;

namespace Portcullis.Testing;

/// <summary>A resumable upload in progress: the object's metadata, the preconditions named when it started, the bytes so far.</summary>
internal sealed class FakeUploadSession(string bucket, string name, string contentType, string? contentEncoding, IQueryCollection preconditions)
{
    public string Bucket { get; } = bucket;

    public string Name { get; } = name;

    public string ContentType { get; } = contentType;

    public string? ContentEncoding { get; } = contentEncoding;

    public IQueryCollection Preconditions { get; } = preconditions;

    public MemoryStream Received { get; } = new();
}
