using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Portcullis.Testing;

/// <summary>
/// The JSON API's generation preconditions: a failed <c>ifGenerationMatch</c> /
/// <c>ifMetagenerationMatch</c> is 412; a matching <c>ifGenerationNotMatch</c> /
/// <c>ifMetagenerationNotMatch</c> is 304 on reads and 412 on writes. Generation 0 means "no live
/// object" (storage-testbench <c>testbench/common.py</c>).
/// </summary>
internal static class FakeStoragePreconditions
{
    /// <summary>The refusal status, or null when every precondition holds. <paramref name="current"/> is null when no live object exists.</summary>
    public static int? Evaluate(IQueryCollection query, FakeStoredObject? current, bool write = false)
    {
        long generation = current?.Generation ?? 0;
        long metageneration = current?.Metageneration ?? 0;
        if (Value(query, "ifGenerationMatch") is { } match && match != generation)
        {
            return 412;
        }

        if (Value(query, "ifMetagenerationMatch") is { } metaMatch && metaMatch != metageneration)
        {
            return 412;
        }

        if (Value(query, "ifGenerationNotMatch") is { } notMatch && notMatch == generation)
        {
            return write ? 412 : 304;
        }

        if (Value(query, "ifMetagenerationNotMatch") is { } metaNotMatch && metaNotMatch == metageneration)
        {
            return write ? 412 : 304;
        }

        return null;
    }

    private static long? Value(IQueryCollection query, string name) =>
        long.TryParse(query[name], NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : null;
}
