using System.Security.Cryptography;
using System.Text;

namespace Portcullis.PolicyEngine.Keys;

/// <summary>
/// The Portcullis key format: <c>ptc_</c>, 30 base-62 characters from a CSPRNG (about 178 bits)
/// and a 6-character base-62 CRC-32C of everything before it. The prefix makes leaked keys easy to
/// find by secret scanners; the checksum lets the gateway refuse a mistyped or made-up key
/// without a lookup.
/// </summary>
public static class ApiKeys
{
    /// <summary>The prefix every Portcullis key starts with.</summary>
    public const string Prefix = "ptc_";

    /// <summary>Random characters in a key.</summary>
    public const int BodyLength = 30;

    /// <summary>Checksum characters at the end of a key.</summary>
    public const int ChecksumLength = 6;

    /// <summary>Total length of a key.</summary>
    public const int Length = 4 + BodyLength + ChecksumLength;

    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static readonly System.Buffers.SearchValues<char> s_alphabet = System.Buffers.SearchValues.Create(Alphabet);

    /// <summary>A new random key.</summary>
    public static string Generate() => FromBody(RandomNumberGenerator.GetString(Alphabet, BodyLength));

    /// <summary>The key with this body and its checksum (tests use fixed bodies).</summary>
    public static string FromBody(string body)
    {
        if (body.Length != BodyLength || body.AsSpan().IndexOfAnyExcept(s_alphabet) >= 0)
        {
            throw new ArgumentException($"A key body is {BodyLength} base-62 characters.", nameof(body));
        }

        string head = Prefix + body;
        Span<char> checksum = stackalloc char[ChecksumLength];
        Encode(Checksum(head), checksum);
        return head + new string(checksum);
    }

    /// <summary>True when <paramref name="key"/> has the prefix, length, alphabet and a matching checksum. Allocates nothing.</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> key)
    {
        if (key.Length != Length || !key.StartsWith(Prefix, StringComparison.Ordinal)
            || key[Prefix.Length..].IndexOfAnyExcept(s_alphabet) >= 0)
        {
            return false;
        }

        Span<char> expected = stackalloc char[ChecksumLength];
        Encode(Checksum(key[..(Length - ChecksumLength)]), expected);
        return key[(Length - ChecksumLength)..].SequenceEqual(expected);
    }

    private static uint Checksum(ReadOnlySpan<char> head)
    {
        Span<byte> bytes = stackalloc byte[Length];
        int count = Encoding.ASCII.GetBytes(head, bytes);
        return Crc32C.Compute(bytes[..count]);
    }

    private static void Encode(uint value, Span<char> destination)
    {
        for (int i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = Alphabet[(int)(value % 62)];
            value /= 62;
        }
    }
}
