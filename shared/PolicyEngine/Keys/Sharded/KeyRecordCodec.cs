using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Portcullis.PolicyEngine.Keys.Sharded;

/// <summary>
/// The compact binary form of one key record, as shard objects store it and as the in-memory
/// index keeps it: 32 hash bytes, a flag byte, times as Unix milliseconds, the consumer (and a
/// custom id) and labels as length-prefixed UTF-8, and — only for keys that have any — metadata,
/// quota and restrictions as one small compact JSON object. About 60 bytes for a plain key,
/// against several hundred for a record object graph.
/// </summary>
public static class KeyRecordCodec
{
    private const byte HasExpires = 1;
    private const byte HasRevoked = 2;
    private const byte HasCustomId = 4;
    private const byte HasExtras = 8;
    private const byte HasLabels = 32;

    /// <summary>Set on records of imported keys (not in the <c>ptc_</c> format).</summary>
    public const byte Imported = 16;

    /// <summary>Appends <paramref name="record"/> to <paramref name="output"/>.</summary>
    public static void Write(KeyRecord record, Stream output)
    {
        Span<byte> head = stackalloc byte[32 + 1 + 8 + 8 + 8];
        record.Digest.WriteBytes(head);
        bool customId = record.Id != record.Digest.ToKeyId();
        byte[]? extras = Extras(record);
        bool labels = record.Labels.Count > 0;
        byte flags = (byte)((record.Expires is null ? 0 : HasExpires) | (record.Revoked is null ? 0 : HasRevoked)
            | (customId ? HasCustomId : 0) | (extras is null ? 0 : HasExtras) | (record.Imported ? Imported : 0) | (labels ? HasLabels : 0));
        head[32] = flags;
        int at = 33;
        BinaryPrimitives.WriteInt64LittleEndian(head[at..], record.Created.ToUnixTimeMilliseconds());
        at += 8;
        if (record.Expires is { } expires)
        {
            BinaryPrimitives.WriteInt64LittleEndian(head[at..], expires.ToUnixTimeMilliseconds());
            at += 8;
        }

        if (record.Revoked is { } revoked)
        {
            BinaryPrimitives.WriteInt64LittleEndian(head[at..], revoked.ToUnixTimeMilliseconds());
            at += 8;
        }

        output.Write(head[..at]);
        WriteString(output, Encoding.UTF8.GetBytes(record.Consumer));
        if (customId)
        {
            WriteString(output, Encoding.UTF8.GetBytes(record.Id));
        }

        if (labels)
        {
            WriteLength(output, record.Labels.Count);
            foreach (KeyValuePair<string, string> label in record.Labels)
            {
                WriteString(output, Encoding.UTF8.GetBytes(label.Key));
                WriteString(output, Encoding.UTF8.GetBytes(label.Value));
            }
        }

        if (extras is not null)
        {
            WriteString(output, extras);
        }
    }

    /// <summary>The length of the record at the start of <paramref name="data"/>, or -1 when it is cut short or malformed.</summary>
    public static int Measure(ReadOnlySpan<byte> data)
    {
        if (data.Length < 41)
        {
            return -1;
        }

        byte flags = data[32];
        int at = 41 + ((flags & HasExpires) != 0 ? 8 : 0) + ((flags & HasRevoked) != 0 ? 8 : 0);
        int strings = 1 + ((flags & HasCustomId) != 0 ? 1 : 0);
        if ((flags & HasLabels) != 0)
        {
            if (!SkipStrings(data, ref at, strings))
            {
                return -1;
            }

            if (!TryReadLength(data, ref at, out int pairs) || pairs > data.Length)
            {
                return -1;
            }

            strings = 2 * pairs;
        }

        strings += (flags & HasExtras) != 0 ? 1 : 0;
        return SkipStrings(data, ref at, strings) ? at : -1;
    }

    private static bool SkipStrings(ReadOnlySpan<byte> data, ref int at, int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (!TryReadLength(data, ref at, out int length) || length > data.Length - at)
            {
                return false;
            }

            at += length;
        }

        return true;
    }

    /// <summary>The flag byte of the record at the start of <paramref name="data"/>.</summary>
    public static byte Flags(ReadOnlySpan<byte> data) => data[32];

    /// <summary>Decodes the record at the start of <paramref name="data"/> (already measured).</summary>
    public static KeyRecord Read(ReadOnlySpan<byte> data)
    {
        var digest = KeyDigest.FromBytes(data);
        byte flags = data[32];
        int at = 33;
        DateTimeOffset created = Time(data, ref at);
        DateTimeOffset? expires = (flags & HasExpires) != 0 ? Time(data, ref at) : null;
        DateTimeOffset? revoked = (flags & HasRevoked) != 0 ? Time(data, ref at) : null;
        string consumer = ReadString(data, ref at);
        string id = (flags & HasCustomId) != 0 ? ReadString(data, ref at) : digest.ToKeyId();
        IReadOnlyDictionary<string, string> labels = EmptyLabels;
        if ((flags & HasLabels) != 0)
        {
            TryReadLength(data, ref at, out int pairs);
            var read = new Dictionary<string, string>(pairs, StringComparer.Ordinal);
            for (int i = 0; i < pairs; i++)
            {
                string name = ReadString(data, ref at);
                read[name] = ReadString(data, ref at);
            }

            labels = read;
        }

        if ((flags & HasExtras) == 0)
        {
            return new KeyRecord(id, digest, consumer, created, expires, revoked, labels) { Imported = (flags & Imported) != 0 };
        }

        TryReadLength(data, ref at, out int length);
        KeyRecordDocument document = JsonSerializer.Deserialize(data.Slice(at, length), s_compact.KeyRecordDocument) ?? new();
        document.Labels = labels.Count == 0 ? null : new Dictionary<string, string>(labels, StringComparer.Ordinal);
        document.Id = id;
        document.Consumer = consumer;
        document.Created = created;
        document.Expires = expires;
        document.Revoked = revoked;

        // Written from a record that parsed, so there is nothing to report; a corrupt shard fails its hash check first.
        return Keyring.ToRecord(document, digest, "", []) with { Imported = (flags & Imported) != 0 };
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyLabels = new Dictionary<string, string>();

    // Not indented (the shared context is, for keyring files people read): every byte is held per key.
    private static readonly KeyringJsonContext s_compact = new(new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull });

    private static byte[]? Extras(KeyRecord record)
    {
        KeyRecordDocument full = Keyring.ToDocument(record);
        if (full.Metadata is null && full.Quota is null && full.Restrictions is null)
        {
            return null;
        }

        var extras = new KeyRecordDocument { Metadata = full.Metadata, Quota = full.Quota, Restrictions = full.Restrictions };
        return JsonSerializer.SerializeToUtf8Bytes(extras, s_compact.KeyRecordDocument);
    }

    private static DateTimeOffset Time(ReadOnlySpan<byte> data, ref int at)
    {
        long ms = BinaryPrimitives.ReadInt64LittleEndian(data[at..]);
        at += 8;
        return DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }

    private static void WriteString(Stream output, byte[] bytes)
    {
        WriteLength(output, bytes.Length);
        output.Write(bytes);
    }

    private static void WriteLength(Stream output, int count)
    {
        uint length = (uint)count;
        while (length >= 0x80)
        {
            output.WriteByte((byte)(length | 0x80));
            length >>= 7;
        }

        output.WriteByte((byte)length);
    }

    private static string ReadString(ReadOnlySpan<byte> data, ref int at)
    {
        TryReadLength(data, ref at, out int length);
        string value = Encoding.UTF8.GetString(data.Slice(at, length));
        at += length;
        return value;
    }

    private static bool TryReadLength(ReadOnlySpan<byte> data, ref int at, out int length)
    {
        length = 0;
        for (int shift = 0; shift < 28; shift += 7)
        {
            if (at >= data.Length)
            {
                return false;
            }

            byte b = data[at++];
            length |= (b & 0x7F) << shift;
            if (b < 0x80)
            {
                return length >= 0;
            }
        }

        return false;
    }
}
