using System.Buffers.Binary;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Portcullis.PolicyEngine.Keys;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): the checksum Secret Manager uses for
/// payloads (<c>dataCrc32c</c>) and the one in a Portcullis key. .NET has no built-in one. The
/// CPU's own instruction where there is one (SSE4.2 <c>crc32</c>, ARMv8 <c>crc32c</c>): the key
/// check runs it on every request, and the table loop showed in its profile.
/// </summary>
public static class Crc32C
{
    private static readonly uint[] s_table = BuildTable();

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        if (Sse42.X64.IsSupported)
        {
            ulong wide = 0xFFFFFFFFu;
            for (; data.Length >= 8; data = data[8..])
            {
                wide = Sse42.X64.Crc32(wide, BinaryPrimitives.ReadUInt64LittleEndian(data));
            }

            uint narrow = (uint)wide;
            foreach (byte b in data)
            {
                narrow = Sse42.Crc32(narrow, b);
            }

            return ~narrow;
        }

        if (Crc32.Arm64.IsSupported)
        {
            uint arm = 0xFFFFFFFFu;
            for (; data.Length >= 8; data = data[8..])
            {
                arm = Crc32.Arm64.ComputeCrc32C(arm, BinaryPrimitives.ReadUInt64LittleEndian(data));
            }

            foreach (byte b in data)
            {
                arm = Crc32.ComputeCrc32C(arm, b);
            }

            return ~arm;
        }

        return ComputeWithTable(data);
    }

    /// <summary>The portable table loop (CPUs without a CRC-32C instruction; tests compare both).</summary>
    internal static uint ComputeWithTable(ReadOnlySpan<byte> data)
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
