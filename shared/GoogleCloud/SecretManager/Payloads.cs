using System.IO.Compression;
using System.Text;
using Portcullis.GoogleCloud.Keyrings;

namespace Portcullis.GoogleCloud.SecretManager;

/// <summary>
/// Documents as Secret Manager payloads: UTF-8, gzip-compressed when over 16 KiB so that large
/// keyrings and configs fit the 64 KiB version limit. Readers tell the two apart by gzip's magic
/// bytes (a JSON or YAML document never starts with 0x1F 0x8B).
/// </summary>
public static class Payloads
{
    /// <summary>Documents larger than this are compressed.</summary>
    public const int CompressAbove = 16 * 1024;

    /// <summary>Encodes a document; throws when it is still over the limit after compression.</summary>
    public static byte[] Encode(string document, string what)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(document);
        if (bytes.Length <= CompressAbove)
        {
            return bytes;
        }

        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        byte[] compressed = buffer.ToArray();
        return compressed.Length <= SecretManagerClient.MaxPayloadBytes
            ? compressed
            : throw new PayloadTooLargeException($"{what} is {bytes.Length} bytes ({compressed.Length} compressed); a Secret Manager version holds at most {SecretManagerClient.MaxPayloadBytes} bytes");
    }

    /// <summary>Decodes a payload written by <see cref="Encode"/> (or plain UTF-8 written by hand).</summary>
    public static string Decode(byte[] payload, string what)
    {
        if (payload.Length < 2 || payload[0] != 0x1F || payload[1] != 0x8B)
        {
            return Encoding.UTF8.GetString(payload);
        }

        try
        {
            using var gzip = new GZipStream(new MemoryStream(payload), CompressionMode.Decompress);
            using var reader = new StreamReader(gzip, Encoding.UTF8);
            return reader.ReadToEnd();
        }
        catch (InvalidDataException e)
        {
            throw new StoreException($"{what}: the compressed payload is corrupt", e);
        }
    }
}
