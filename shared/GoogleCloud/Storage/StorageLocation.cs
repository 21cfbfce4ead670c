namespace Portcullis.GoogleCloud.Storage;

/// <summary>A parsed <c>gs://BUCKET/PREFIX</c>: objects live under <see cref="Prefix"/> (empty, or ending in <c>/</c>).</summary>
public sealed record StorageLocation(string Bucket, string Prefix)
{
    /// <summary>Parses <c>gs://BUCKET</c>, <c>gs://BUCKET/</c> or <c>gs://BUCKET/PREFIX</c>.</summary>
    public static StorageLocation Parse(string location)
    {
        if (!CloudStorage.IsStorage(location))
        {
            throw new ArgumentException($"'{location}' is not a gs://BUCKET/PREFIX location.", nameof(location));
        }

        string rest = location[CloudStorage.Scheme.Length..];
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        string bucket = slash < 0 ? rest : rest[..slash];
        string prefix = slash < 0 ? "" : rest[(slash + 1)..];
        if (bucket.Length is < 3 or > 222 || bucket.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.')))
        {
            throw new ArgumentException($"'{location}': '{bucket}' is not a bucket name (3-222 of a-z, 0-9, '-', '_', '.').", nameof(location));
        }

        if (prefix.Length > 0 && !prefix.EndsWith('/'))
        {
            prefix += "/";
        }

        return new StorageLocation(bucket, prefix);
    }

    /// <inheritdoc />
    public override string ToString() => $"{CloudStorage.Scheme}{Bucket}/{Prefix}";
}
