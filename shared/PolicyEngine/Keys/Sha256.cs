using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Portcullis.PolicyEngine.Keys;

/// <summary>
/// SHA-256 (FIPS 180-4) in managed code, for the key check's one short input per request.
/// <see cref="System.Security.Cryptography.SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/>
/// goes through OpenSSL 3 on Linux, which sets up a digest context and fetches the algorithm on
/// every call: about 0.8 µs for a 40-byte key (bench/Benchmarks <c>KeyDigestBenchmark</c>), the
/// largest single cost the gateway adds per request. The compression function is the standard's
/// (no data-dependent branches or table lookups: constant time in the key's content). Tests check
/// it against the FIPS vectors and against <c>SHA256.HashData</c> on thousands of random inputs.
/// </summary>
internal static class Sha256
{
    public const int HashSize = 32;

    private static ReadOnlySpan<uint> K =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    /// <summary>Writes the SHA-256 of <paramref name="data"/> into the first 32 bytes of <paramref name="hash"/>.</summary>
    public static void HashData(ReadOnlySpan<byte> data, Span<byte> hash)
    {
        if (hash.Length < HashSize)
        {
            throw new ArgumentException("The hash needs 32 bytes.", nameof(hash));
        }

        Span<uint> state = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
        Span<uint> w = stackalloc uint[64];
        long bitLength = (long)data.Length * 8;
        while (data.Length >= 64)
        {
            Compress(state, data[..64], w);
            data = data[64..];
        }

        // The tail, 0x80, zeros, and the length in bits: one block, or two when the tail is over 55 bytes.
        Span<byte> last = stackalloc byte[128];
        last.Clear();
        data.CopyTo(last);
        last[data.Length] = 0x80;
        int blocks = data.Length < 56 ? 1 : 2;
        BinaryPrimitives.WriteInt64BigEndian(last[((blocks * 64) - 8)..], bitLength);
        Compress(state, last[..64], w);
        if (blocks == 2)
        {
            Compress(state, last[64..], w);
        }

        for (int i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(hash[(i * 4)..], state[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compress(Span<uint> state, ReadOnlySpan<byte> block, Span<uint> schedule)
    {
        // Refs instead of span indexing: the bounds checks cost as much as the rounds.
        ref uint w = ref MemoryMarshal.GetReference(schedule[..64]);
        ref byte input = ref MemoryMarshal.GetReference(block[..64]);
        for (int t = 0; t < 16; t++)
        {
            Unsafe.Add(ref w, t) = BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref input, t * 4)));
        }

        for (int t = 16; t < 64; t++)
        {
            uint w15 = Unsafe.Add(ref w, t - 15), w2 = Unsafe.Add(ref w, t - 2);
            uint s0 = BitOperations.RotateRight(w15, 7) ^ BitOperations.RotateRight(w15, 18) ^ (w15 >> 3);
            uint s1 = BitOperations.RotateRight(w2, 17) ^ BitOperations.RotateRight(w2, 19) ^ (w2 >> 10);
            Unsafe.Add(ref w, t) = Unsafe.Add(ref w, t - 16) + s0 + Unsafe.Add(ref w, t - 7) + s1;
        }

        uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
        ref uint k = ref MemoryMarshal.GetReference(K);
        for (int t = 0; t < 64; t++)
        {
            uint s1 = BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25);
            uint ch = (e & f) ^ (~e & g);
            uint t1 = h + s1 + ch + Unsafe.Add(ref k, t) + Unsafe.Add(ref w, t);
            uint s0 = BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22);
            uint maj = (a & b) ^ (a & c) ^ (b & c);
            uint t2 = s0 + maj;
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }
}
