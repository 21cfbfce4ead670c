namespace Portcullis.Testing;

/// <summary>One version of a fake secret: data, the CRC32C stored with it, and its state.</summary>
internal sealed class FakeSecretVersion(long number, byte[] data, uint crc)
{
    public long Number { get; } = number;

    public byte[] Data { get; set; } = data;

    public uint Crc { get; } = crc;

    public string State { get; set; } = "ENABLED";

    public DateTimeOffset Created { get; } = DateTimeOffset.UtcNow;

    public string Etag => $"\"v{Number}-{State}\"";
}
