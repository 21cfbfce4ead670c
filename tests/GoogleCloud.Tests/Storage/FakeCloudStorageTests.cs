using System.IO.Compression;
using System.Net;
using System.Text;
using Google;
using Google.Cloud.Storage.V1;
using Portcullis.GoogleCloud.Storage;
using Portcullis.Testing;
using StorageObject = Google.Apis.Storage.v1.Data.Object;

namespace Portcullis.GoogleCloud.Tests.Storage;

/// <summary>The Cloud Storage fake checked against Google.Cloud.Storage.V1 5.0.0 itself: what the client sends, the fake must answer as the service does.</summary>
public sealed class FakeCloudStorageTests : IAsyncLifetime
{
    private const string Bucket = "test-bucket";
    private FakeCloudStorage _fake = null!;
    private StorageClient _client = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeCloudStorage.StartAsync();
        _client = CloudStorage.CreateClient(_fake.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _fake.DisposeAsync();
    }

    [Fact]
    public async Task Upload_IsResumableWithGzipMetadata_AndDownloadRoundTrips()
    {
        byte[] data = Encoding.UTF8.GetBytes("hello, storage");
        StorageObject uploaded = await _client.UploadObjectAsync(Bucket, "a/b.txt", "text/plain", new MemoryStream(data));

        var log = _fake.TakeLog();
        Assert.StartsWith("POST /upload/storage/v1/b/test-bucket/o?", log[0]);
        Assert.Contains("uploadType=resumable", log[0]);
        Assert.StartsWith("PUT /upload/storage/v1/b/test-bucket/o?uploadType=resumable&upload_id=", log[1]);
        var target = new MemoryStream();
        StorageObject downloaded = await _client.DownloadObjectAsync(Bucket, "a/b.txt", target);
        Assert.Equal(data, target.ToArray());
        Assert.Equal(uploaded.Generation, downloaded.Generation);
        Assert.Equal("GET /storage/v1/b/test-bucket/o/a%2Fb.txt?alt=media", _fake.TakeLog().Single());
        StorageObject metadata = await _client.GetObjectAsync(Bucket, "a/b.txt");
        Assert.Equal((ulong)data.Length, metadata.Size);
        Assert.Equal(uploaded.Crc32c, metadata.Crc32c);
    }

    [Fact]
    public async Task Upload_IfGenerationMatch_CreateOnlyAndCompareAndSwap_412WithConditionNotMet()
    {
        StorageObject first = await _client.UploadObjectAsync(Bucket, "cas", "text/plain", new MemoryStream([1]), new UploadObjectOptions { IfGenerationMatch = 0 });
        GoogleApiException again = await Assert.ThrowsAsync<GoogleApiException>(() =>
            _client.UploadObjectAsync(Bucket, "cas", "text/plain", new MemoryStream([2]), new UploadObjectOptions { IfGenerationMatch = 0 }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, again.HttpStatusCode);
        Assert.Equal("conditionNotMet", again.Error.Errors[0].Reason);

        StorageObject second = await _client.UploadObjectAsync(Bucket, "cas", "text/plain", new MemoryStream([3]), new UploadObjectOptions { IfGenerationMatch = first.Generation });
        Assert.True(second.Generation > first.Generation);
        GoogleApiException stale = await Assert.ThrowsAsync<GoogleApiException>(() =>
            _client.UploadObjectAsync(Bucket, "cas", "text/plain", new MemoryStream([4]), new UploadObjectOptions { IfGenerationMatch = first.Generation }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.HttpStatusCode);
        Assert.Equal([3], _fake.Get(Bucket, "cas")!.Data);
    }

    [Fact]
    public async Task Download_IfGenerationNotMatchCurrent_Is304AndWritesNothing()
    {
        long generation = _fake.Put(Bucket, "m", [1, 2, 3]);
        var target = new MemoryStream();

        GoogleApiException notModified = await Assert.ThrowsAsync<GoogleApiException>(() =>
            _client.DownloadObjectAsync(Bucket, "m", target, new DownloadObjectOptions { IfGenerationNotMatch = generation }));
        Assert.Equal(HttpStatusCode.NotModified, notModified.HttpStatusCode);
        Assert.Equal(0, target.Length);
        GoogleApiException metadata = await Assert.ThrowsAsync<GoogleApiException>(() =>
            _client.GetObjectAsync(Bucket, "m", new GetObjectOptions { IfGenerationNotMatch = generation }));
        Assert.Equal(HttpStatusCode.NotModified, metadata.HttpStatusCode);

        StorageObject changed = await _client.DownloadObjectAsync(Bucket, "m", target, new DownloadObjectOptions { IfGenerationNotMatch = generation - 1 });
        Assert.Equal(generation, changed.Generation);
        GoogleApiException wrong = await Assert.ThrowsAsync<GoogleApiException>(() =>
            _client.DownloadObjectAsync(Bucket, "m", new MemoryStream(), new DownloadObjectOptions { IfGenerationMatch = generation + 1 }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, wrong.HttpStatusCode);
    }

    [Fact]
    public async Task Download_Missing_Is404()
    {
        GoogleApiException missing = await Assert.ThrowsAsync<GoogleApiException>(() => _client.DownloadObjectAsync(Bucket, "nope", new MemoryStream()));
        Assert.Equal(HttpStatusCode.NotFound, missing.HttpStatusCode);
    }

    [Fact]
    public async Task RangedDownload_CarriesWholeObjectHash_ClientRefusesUnlessValidationOff()
    {
        byte[] data = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        _fake.Put(Bucket, "r", data);
        var range = new System.Net.Http.Headers.RangeHeaderValue(10, 19);

        // As with the real service: the range's bytes do not match the whole object's crc32c.
        await Assert.ThrowsAsync<IOException>(() => _client.DownloadObjectAsync(Bucket, "r", new MemoryStream(), new DownloadObjectOptions { Range = range }));
        var target = new MemoryStream();
        await _client.DownloadObjectAsync(Bucket, "r", target, new DownloadObjectOptions { Range = range, DownloadValidationMode = DownloadValidationMode.Never });
        Assert.Equal(data[10..20], target.ToArray());
    }

    [Fact]
    public async Task GzipStoredObject_ArrivesDecompressed_AndValidatesOnStoredBytes()
    {
        byte[] plain = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("compressible ", 400)));
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(plain);
        }

        await _client.UploadObjectAsync(new StorageObject { Bucket = Bucket, Name = "z.json", ContentType = "application/json", ContentEncoding = "gzip" }, new MemoryStream(compressed.ToArray()));
        Assert.Equal("gzip", _fake.Get(Bucket, "z.json")!.ContentEncoding);
        var target = new MemoryStream();
        await _client.DownloadObjectAsync(Bucket, "z.json", target);
        Assert.Equal(plain, target.ToArray());
    }

    [Fact]
    public async Task CorruptObject_FailsTheClientsHashCheck()
    {
        _fake.Put(Bucket, "c", [1, 2, 3, 4]);
        _fake.CorruptInPlace(Bucket, "c", [1, 2, 3, 5]);

        await Assert.ThrowsAsync<IOException>(() => _client.DownloadObjectAsync(Bucket, "c", new MemoryStream()));
    }

    [Fact]
    public async Task LargeUpload_ArrivesInChunks_With308Between()
    {
        byte[] data = new byte[3 * 256 * 1024 + 17];
        Random.Shared.NextBytes(data);

        await _client.UploadObjectAsync(Bucket, "big", "application/octet-stream", new MemoryStream(data), new UploadObjectOptions { ChunkSize = 256 * 1024 });

        Assert.Equal(5, _fake.TakeLog().Count);
        Assert.Equal(data, _fake.Get(Bucket, "big")!.Data);
    }

    [Fact]
    public async Task List_PagesThroughEveryObjectUnderThePrefix()
    {
        for (int i = 0; i < 25; i++)
        {
            _fake.Put(Bucket, $"p/{i:d2}", [(byte)i]);
        }

        _fake.Put(Bucket, "other", [0]);
        var names = new List<string>();
        await foreach (StorageObject o in _client.ListObjectsAsync(Bucket, "p/", new ListObjectsOptions { PageSize = 10 }))
        {
            names.Add(o.Name);
        }

        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"p/{i:d2}"), names);
        Assert.Equal(3, _fake.TakeLog().Count(l => l.StartsWith("GET /storage/v1/b/test-bucket/o?", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Delete_HonoursGenerationPrecondition()
    {
        long generation = _fake.Put(Bucket, "d", [1]);

        GoogleApiException stale = await Assert.ThrowsAsync<GoogleApiException>(() =>
            _client.DeleteObjectAsync(Bucket, "d", new DeleteObjectOptions { IfGenerationMatch = generation + 1 }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.HttpStatusCode);
        await _client.DeleteObjectAsync(Bucket, "d", new DeleteObjectOptions { IfGenerationMatch = generation });
        Assert.Null(_fake.Get(Bucket, "d"));
    }

    [Fact]
    public async Task MultipartUpload_OverHttp_StoresMetadataAndMedia()
    {
        using var http = new HttpClient { BaseAddress = _fake.BaseAddress };
        var content = new MultipartContent("related")
        {
            new StringContent("""{"name":"mp.txt","contentType":"text/plain"}""", Encoding.UTF8, "application/json"),
            new ByteArrayContent([7, 8, 9]),
        };

        HttpResponseMessage response = await http.PostAsync("/upload/storage/v1/b/test-bucket/o?uploadType=multipart&ifGenerationMatch=0", content);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal([7, 8, 9], _fake.Get(Bucket, "mp.txt")!.Data);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await http.PostAsync("/upload/storage/v1/b/test-bucket/o?uploadType=multipart&ifGenerationMatch=0", content)).StatusCode);
    }
}
