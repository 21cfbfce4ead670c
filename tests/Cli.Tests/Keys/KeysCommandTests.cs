using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Portcullis.GoogleCloud.Keyrings;
using Portcullis.PolicyEngine.Keys;

namespace Portcullis.Cli.Tests.Keys;

public sealed class KeysCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("portcullis-keys-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    private string KeyringPath => Path.Combine(_directory, "keyring.json");

    [Fact]
    public async Task Lifecycle_CreateUseRotateGraceExpireRevoke()
    {
        (string key, string id) = await CreateAsync("--consumer", "acme", "--label", "env=prod");
        Assert.Equal(KeyVerdict.Valid, Check(key));

        (int exit, string output, _) = await RunAsync("keys", "rotate", id, "--grace", "1h", "--json");
        Assert.Equal(0, exit);
        string newKey = JsonDocument.Parse(output).RootElement.GetProperty("key").GetString()!;

        Assert.Equal(KeyVerdict.Valid, Check(key));
        Assert.Equal(KeyVerdict.Valid, Check(newKey));

        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(KeyVerdict.Valid, Check(key));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(KeyVerdict.Expired, Check(key));
        Assert.Equal(KeyVerdict.Valid, Check(newKey));

        string newId = Keyring.NewRecord(newKey, "x", _time.GetUtcNow()).Id;
        Assert.Equal(0, (await RunAsync("keys", "revoke", newId)).Exit);
        Assert.Equal(KeyVerdict.Revoked, Check(newKey));

        KeyRecord rotated = Read().Records.Single(r => r.Id == newId);
        Assert.Equal("acme", rotated.Consumer);
        Assert.Equal("prod", rotated.Labels["env"]);
    }

    [Fact]
    public async Task ListAndShow_NeverPrintTheKey()
    {
        (string key, string id) = await CreateAsync("--consumer", "acme", "--allow-ip", "10.0.0.0/8", "--allow-operation", "listShelves");

        (_, string list, _) = await RunAsync("keys", "list");
        (_, string listJson, _) = await RunAsync("keys", "list", "--json");
        (_, string show, _) = await RunAsync("keys", "show", id);

        Assert.Contains(id, list, StringComparison.Ordinal);
        Assert.Contains("active", list, StringComparison.Ordinal);
        Assert.Contains("10.0.0.0/8", show, StringComparison.Ordinal);
        Assert.Contains("listShelves", show, StringComparison.Ordinal);
        foreach (string text in new[] { list, listJson, show, File.ReadAllText(KeyringPath) })
        {
            Assert.DoesNotContain(key, text, StringComparison.Ordinal);
            Assert.DoesNotContain(key[4..], text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Create_WithExpiry_ExpiresToTheSecond()
    {
        (string key, _) = await CreateAsync("--consumer", "acme", "--expires", "30s");

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(KeyVerdict.Valid, Check(key));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(KeyVerdict.Expired, Check(key));
    }

    [Theory]
    [InlineData("show", "nope")]
    [InlineData("revoke", "nope")]
    [InlineData("rotate", "nope")]
    public async Task UnknownId_ExitsOneWithMessage(string verb, string id)
    {
        await CreateAsync("--consumer", "acme");

        (int exit, _, string error) = await RunAsync("keys", verb, id);

        Assert.Equal(1, exit);
        Assert.Contains("no key with id 'nope'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_BadRestriction_IsRefusedAndNothingWritten()
    {
        (int exit, _, string error) = await RunAsync("keys", "create", "--consumer", "acme", "--allow-ip", "not-an-ip");

        Assert.Equal(1, exit);
        Assert.Contains("not-an-ip", error, StringComparison.Ordinal);
        Assert.False(File.Exists(KeyringPath));
    }

    [Fact]
    public async Task ConcurrentWriters_NoUpdateIsLost()
    {
        const int perWriter = 25;
        async Task WriterAsync(string consumer)
        {
            var store = new FileKeyringStore(KeyringPath);
            for (int i = 0; i < perWriter; i++)
            {
                await KeyringUpdates.UpdateAsync(store, records =>
                {
                    records.Add(Keyring.NewRecord(ApiKeys.Generate(), consumer, _time.GetUtcNow()));
                    return 0;
                }, CancellationToken.None);
            }
        }

        await Task.WhenAll(Task.Run(() => WriterAsync("a")), Task.Run(() => WriterAsync("b")), Task.Run(() => WriterAsync("c")));

        Keyring keyring = Read();
        Assert.Equal(3 * perWriter, keyring.Count);
        Assert.Equal(perWriter, keyring.Records.Count(r => r.Consumer == "b"));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<(string Key, string Id)> CreateAsync(params string[] options)
    {
        (int exit, string output, string error) = await RunAsync(["keys", "create", .. options, "--json"]);
        Assert.True(exit == 0, error);
        JsonElement json = JsonDocument.Parse(output).RootElement;
        return (json.GetProperty("key").GetString()!, json.GetProperty("id").GetString()!);
    }

    private Task<(int Exit, string Out, string Error)> RunAsync(params string[] args) =>
        ConsoleCapture.RunAsync(_time, [.. args, "--keyring", KeyringPath]);

    private Keyring Read() => Keyring.TryParse(File.ReadAllText(KeyringPath), out _)!;

    private KeyVerdict Check(string key) => Read().Check(key, _time.GetUtcNow()).Verdict;
}
