using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Portcullis.PolicyEngine.Keys;

/// <summary>
/// The SHA-256 of an API key: the only form in which a key is stored or compared.
/// A value type with cheap equality so the keyring lookup allocates nothing.
/// </summary>
public readonly struct KeyDigest : IEquatable<KeyDigest>
{
    /// <summary>Longest key (in characters) that is hashed; longer input is not a key.</summary>
    public const int MaxKeyLength = 256;

    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    private KeyDigest(ReadOnlySpan<byte> hash)
    {
        _a = BinaryPrimitives.ReadUInt64BigEndian(hash);
        _b = BinaryPrimitives.ReadUInt64BigEndian(hash[8..]);
        _c = BinaryPrimitives.ReadUInt64BigEndian(hash[16..]);
        _d = BinaryPrimitives.ReadUInt64BigEndian(hash[24..]);
    }

    /// <summary>Hashes a key. Returns false for an empty key or one over <see cref="MaxKeyLength"/>.</summary>
    public static bool TryCompute(ReadOnlySpan<char> key, out KeyDigest digest)
    {
        digest = default;
        if (key.IsEmpty || key.Length > MaxKeyLength)
        {
            return false;
        }

        Span<byte> utf8 = stackalloc byte[MaxKeyLength * 3];
        int length = Encoding.UTF8.GetBytes(key, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];

        // The platform's SHA-256 (OpenSSL on Linux) through a digest context kept per thread: the
        // one-shot SHA256.HashData sets up a context and fetches the algorithm on every call
        // (bench/Benchmarks KeyDigestBenchmark measures both).
        IncrementalHash sha256 = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha256.AppendData(utf8[..length]);
        sha256.GetHashAndReset(hash);
        digest = new KeyDigest(hash);
        return true;
    }

    /// <summary>Parses 64 hex characters.</summary>
    public static bool TryParseHex(string? hex, out KeyDigest digest)
    {
        digest = default;
        if (hex is null || hex.Length != SHA256.HashSizeInBytes * 2)
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        if (Convert.FromHexString(hex, hash, out _, out int written) != System.Buffers.OperationStatus.Done
            || written != hash.Length)
        {
            return false;
        }

        digest = new KeyDigest(hash);
        return true;
    }

    /// <summary>The digest of 32 hash bytes.</summary>
    public static KeyDigest FromBytes(ReadOnlySpan<byte> hash) => new(hash);

    /// <summary>Writes the 32 bytes into <paramref name="destination"/>.</summary>
    public void WriteBytes(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    /// <summary>The first <paramref name="bits"/> bits of the hash (0 to 16): which shard of a sharded keyring holds it.</summary>
    public int TopBits(int bits) => bits == 0 ? 0 : (int)(_a >> (64 - bits));

    /// <summary>Lower-case hex of the 32 bytes.</summary>
    public string ToHex() => $"{_a:x16}{_b:x16}{_c:x16}{_d:x16}";

    /// <summary>The key id: the first 12 hex characters of the hash. Safe to log and show.</summary>
    public string ToKeyId() => ToHex()[..12];

    /// <inheritdoc />
    public bool Equals(KeyDigest other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is KeyDigest other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => (int)_a ^ (int)(_a >> 32);

    /// <summary>Equality.</summary>
    public static bool operator ==(KeyDigest left, KeyDigest right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(KeyDigest left, KeyDigest right) => !left.Equals(right);
}
