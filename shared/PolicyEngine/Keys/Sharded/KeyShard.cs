using System.Buffers.Binary;
using System.Numerics;

namespace Portcullis.PolicyEngine.Keys.Sharded;

/// <summary>
/// One immutable shard of a sharded keyring: the shard object's bytes as downloaded (records in
/// <see cref="KeyRecordCodec"/> form, never copied), an offset per record and an open-addressing
/// hash table of record numbers over the key hashes (load factor at most ½, linear probing). A
/// record object is decoded the first time its key is used and cached (the shard's cache array is
/// made on that first use); a lookup of a cached key allocates nothing.
/// </summary>
public sealed class KeyShard
{
    /// <summary>The first bytes of every shard object.</summary>
    public static ReadOnlySpan<byte> Magic => "PTKS"u8;

    private const int HeaderLength = 12;
    private const byte FormatVersion = 1;

    private readonly byte[] _data;
    private readonly int[] _offsets;
    private readonly int[] _table;
    private KeyRecord?[]? _decoded;
    private readonly int _mask;

    private KeyShard(byte[] data, int[] offsets, int[] table, bool hasImported)
    {
        _data = data;
        _offsets = offsets;
        _table = table;
        _mask = table.Length - 1;
        HasImported = hasImported;
    }

    /// <summary>How many records the shard holds.</summary>
    public int Count => _offsets.Length;

    /// <summary>Whether any record is an imported (non-<c>ptc_</c>) key.</summary>
    public bool HasImported { get; }

    /// <summary>Bytes held (the object plus offsets and table): what the shard costs in memory.</summary>
    public long Footprint => _data.Length + (_offsets.Length * 12L) + (_table.Length * 4L);

    /// <summary>Encodes <paramref name="records"/> as shard <paramref name="index"/> of a keyring split by the first <paramref name="bits"/> hash bits.</summary>
    public static byte[] Encode(int bits, int index, IReadOnlyCollection<KeyRecord> records)
    {
        using var output = new MemoryStream(HeaderLength + (records.Count * 64));
        Span<byte> header = stackalloc byte[HeaderLength];
        Magic.CopyTo(header);
        header[4] = FormatVersion;
        header[5] = (byte)bits;
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)index);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], records.Count);
        output.Write(header);
        foreach (KeyRecord record in records)
        {
            KeyRecordCodec.Write(record, output);
        }

        return output.ToArray();
    }

    /// <summary>
    /// Indexes a shard object. Null, with the reason, when it is not shard <paramref name="index"/>
    /// of a <paramref name="bits"/>-bit split, is cut short, holds a record of another shard or the
    /// same hash twice.
    /// </summary>
    public static KeyShard? TryLoad(byte[] data, int bits, int index, out string? error)
    {
        error = null;
        ReadOnlySpan<byte> span = data;
        if (span.Length < HeaderLength || !span.StartsWith(Magic) || span[4] != FormatVersion)
        {
            error = "not a keyring shard (bad header)";
            return null;
        }

        int count = BinaryPrimitives.ReadInt32LittleEndian(span[8..]);
        if (span[5] != bits || BinaryPrimitives.ReadUInt16LittleEndian(span[6..]) != index || count < 0 || count > (span.Length - HeaderLength) / 41)
        {
            error = $"header does not describe shard {index} of {1 << bits} with a plausible record count";
            return null;
        }

        int[] offsets = new int[count];
        int[] table = new int[Math.Max(2, (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, count) * 2))];
        int mask = table.Length - 1;
        bool hasImported = false;
        int at = HeaderLength;
        for (int i = 0; i < count; i++)
        {
            int length = KeyRecordCodec.Measure(span[at..]);
            if (length < 0)
            {
                error = $"record {i} is cut short or malformed";
                return null;
            }

            var digest = KeyDigest.FromBytes(span.Slice(at, 32));
            if (digest.TopBits(bits) != index)
            {
                error = $"record {i} belongs to another shard";
                return null;
            }

            hasImported |= (KeyRecordCodec.Flags(span[at..]) & KeyRecordCodec.Imported) != 0;
            offsets[i] = at;
            for (int slot = digest.GetHashCode() & mask; ; slot = (slot + 1) & mask)
            {
                int entry = table[slot];
                if (entry == 0)
                {
                    table[slot] = i + 1;
                    break;
                }

                if (KeyDigest.FromBytes(span.Slice(offsets[entry - 1], 32)) == digest)
                {
                    error = $"record {i}: the same key hash appears twice";
                    return null;
                }
            }

            at += length;
        }

        if (at != span.Length)
        {
            error = "bytes after the last record";
            return null;
        }

        return new KeyShard(data, offsets, table, hasImported);
    }

    /// <summary>The record of <paramref name="digest"/>, or null.</summary>
    public KeyRecord? Find(in KeyDigest digest)
    {
        int[] table = _table;
        for (int slot = digest.GetHashCode() & _mask; ; slot = (slot + 1) & _mask)
        {
            int entry = table[slot];
            if (entry == 0)
            {
                return null;
            }

            int offset = _offsets[entry - 1];
            if (KeyDigest.FromBytes(_data.AsSpan(offset, 32)) == digest)
            {
                // A race decodes twice at worst; both copies are equal and either may stay cached.
                KeyRecord?[]? decoded = Volatile.Read(ref _decoded);
                return (decoded is null ? null : Volatile.Read(ref decoded[entry - 1])) ?? Decode(entry - 1);
            }
        }
    }

    /// <summary>Every record (decoded afresh, not cached: for the CLI and compaction).</summary>
    public IEnumerable<KeyRecord> Records()
    {
        for (int i = 0; i < _offsets.Length; i++)
        {
            yield return KeyRecordCodec.Read(_data.AsSpan(_offsets[i]));
        }
    }

    /// <summary>The record at <paramref name="position"/> (decoded afresh).</summary>
    public KeyRecord RecordAt(int position) => KeyRecordCodec.Read(_data.AsSpan(_offsets[position]));

    /// <summary>Whether the shard holds <paramref name="digest"/>, without decoding its record.</summary>
    public bool Contains(in KeyDigest digest)
    {
        for (int slot = digest.GetHashCode() & _mask; ; slot = (slot + 1) & _mask)
        {
            int entry = _table[slot];
            if (entry == 0)
            {
                return false;
            }

            if (KeyDigest.FromBytes(_data.AsSpan(_offsets[entry - 1], 32)) == digest)
            {
                return true;
            }
        }
    }

    private KeyRecord Decode(int number)
    {
        // The cache (8 bytes a key) is made when the shard's first key is used: a loaded keyring holds only the shard bytes.
        KeyRecord?[] decoded = Volatile.Read(ref _decoded)
            ?? Interlocked.CompareExchange(ref _decoded, new KeyRecord?[_offsets.Length], null)
            ?? _decoded!;
        KeyRecord record = KeyRecordCodec.Read(_data.AsSpan(_offsets[number]));
        Volatile.Write(ref decoded[number], record);
        return record;
    }
}
