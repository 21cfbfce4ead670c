namespace Portcullis.Testing;

/// <summary>One secret held by <see cref="FakeSecretManager"/>. Callers lock the instance.</summary>
internal sealed class FakeSecret(string name)
{
    private long _etag = 1;

    public string Name { get; } = name;

    public SortedDictionary<long, FakeSecretVersion> Versions { get; } = [];

    public Dictionary<string, long> Aliases { get; } = new(StringComparer.Ordinal);

    public string Etag => $"\"{_etag}\"";

    public DateTimeOffset Created { get; } = DateTimeOffset.UtcNow;

    public void Touch() => _etag++;

    public long Add(byte[] data, uint crc)
    {
        long number = Versions.Count == 0 ? 1 : Versions.Keys.Max() + 1;
        Versions[number] = new FakeSecretVersion(number, data, crc);
        return number;
    }
}
