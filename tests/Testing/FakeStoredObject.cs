using System.Security.Cryptography;
using Portcullis.PolicyEngine.Keys;

namespace Portcullis.Testing;

/// <summary>One live object of <see cref="FakeCloudStorage"/>: its bytes as stored (compressed when <see cref="ContentEncoding"/> is gzip).</summary>
public sealed record FakeStoredObject(
    string Bucket,
    string Name,
    long Generation,
    long Metageneration,
    byte[] Data,
    string ContentType,
    string? ContentEncoding,
    DateTimeOffset Updated)
{
    private readonly byte[] _checksummed = Data;

    /// <summary>Stored size in bytes.</summary>
    public int StoredLength => Data.Length;

    /// <summary>base64 of the big-endian CRC-32C of the bytes as written (a corrupted copy keeps the old one).</summary>
    public string Crc32cBase64 => Convert.ToBase64String(BigEndian(Crc32C.Compute(_checksummed)));

    /// <summary>base64 MD5 of the bytes as written.</summary>
    public string Md5Base64 => Convert.ToBase64String(MD5.HashData(_checksummed));

    /// <summary>The object's etag.</summary>
    public string ETag => $"\"{Generation:x}-{Metageneration}\"";

    internal static byte[] BigEndian(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];
}
