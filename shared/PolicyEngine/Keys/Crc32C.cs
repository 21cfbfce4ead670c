namespace Portcullis.PolicyEngine.Keys;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): the checksum Secret Manager uses for
/// payloads (<c>dataCrc32c</c>) and the one in a Portcullis key. .NET has no built-in one.
/// </summary>
public static class Crc32C
{
    private static readonly uint[] s_table = BuildTable();

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            crc = s_table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
