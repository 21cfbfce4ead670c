using Portcullis.Cli.Dev;
using Portcullis.PolicyEngine.Keys;

namespace Portcullis.Cli.Tests.Dev;

public sealed class DevKeyringTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("portcullis-dev-").FullName;

    [Fact]
    public async Task AddDemoKey_ReplacesPreviousDemoKey_KeepsUserKeys()
    {
        string path = Path.Combine(_directory, ".portcullis", "keyring.json");
        DateTimeOffset now = DateTimeOffset.UtcNow;
        string userKey = ApiKeys.Generate();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, Keyring.Serialize([Keyring.NewRecord(userKey, "me", now)]));

        string first = await DevKeyring.AddDemoKeyAsync(path, now, default);
        string second = await DevKeyring.AddDemoKeyAsync(path, now, default);

        Keyring keyring = Keyring.TryParse(await File.ReadAllTextAsync(path), out _)!;
        Assert.Equal(2, keyring.Count);
        Assert.Equal(KeyVerdict.Valid, keyring.Check(userKey, now).Verdict);
        Assert.Equal(KeyVerdict.Unknown, keyring.Check(first, now).Verdict);
        Assert.Equal(KeyVerdict.Valid, keyring.Check(second, now).Verdict);
        Assert.DoesNotContain(second, await File.ReadAllTextAsync(path), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
