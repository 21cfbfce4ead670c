using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Portcullis.GoogleCloud.Storage;
using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Keys.Sharded;
using Portcullis.Testing;

namespace Portcullis.Cli.Tests.Keys;

/// <summary><c>portcullis keys … --keyring gs://…</c> against the Cloud Storage fake: import, export, paged list, revoke by consumer, migrate.</summary>
public sealed class CloudStorageKeysTests : IAsyncLifetime
{
    private const string Keyring = "gs://cli-bucket/team/keys";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
    private readonly string _directory = Directory.CreateTempSubdirectory("portcullis-gs-keys-").FullName;
    private FakeCloudStorage _storage = null!;
    private string? _previousUrl;

    public async Task InitializeAsync()
    {
        _storage = await FakeCloudStorage.StartAsync();
        _previousUrl = Environment.GetEnvironmentVariable(CloudStorage.UrlSetting);
        Environment.SetEnvironmentVariable(CloudStorage.UrlSetting, _storage.BaseAddress.ToString());
    }

    public async Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable(CloudStorage.UrlSetting, _previousUrl);
        await _storage.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Import_IntoEmptyPrefix_PrintsLinesInInputOrder_KeysWorkAndAreStoredHashedOnly()
    {
        const string brought = "legacy_KEY-from-another-gateway-42";
        string file = await WriteLinesAsync(
            """{"consumer":"alpha","name":"first"}""",
            $$$"""{"consumer":"beta","key":"{{{brought}}}","quota":{"read-requests":50},"restrictions":{"ips":["10.0.0.0/8"]}}""",
            """{"consumer":"gamma","name":"third","expires":"30d"}""");

        (int exit, string output, string error) = await RunAsync("keys", "import", file, "--json");

        Assert.True(exit == 0, error);
        JsonElement[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(["alpha", "beta", "gamma"], lines.Select(l => l.GetProperty("consumer").GetString()));
        Assert.Equal("first", lines[0].GetProperty("name").GetString());
        Assert.False(lines[1].TryGetProperty("key", out _));
        string generated = lines[0].GetProperty("key").GetString()!;
        KeyIndex index = await ReadAsync();
        Assert.Equal(KeyVerdict.Valid, index.Check(generated, _time.GetUtcNow()).Verdict);
        KeyCheck beta = index.Check(brought, _time.GetUtcNow());
        Assert.Equal(KeyVerdict.Valid, beta.Verdict);
        Assert.Equal(50, beta.Record!.QuotaOverrides!["read-requests"]);
        Assert.Equal(lines[1].GetProperty("id").GetString(), beta.Record.Id);
        foreach (string name in _storage.Names("cli-bucket"))
        {
            string stored = System.Text.Encoding.Latin1.GetString(_storage.Get("cli-bucket", name)!.Data);
            Assert.DoesNotContain(brought, stored, StringComparison.Ordinal);
            Assert.DoesNotContain(generated, stored, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Import_BadLines_AllReported_NothingWritten()
    {
        string file = await WriteLinesAsync(
            """{"consumer":"ok"}""",
            """{"name":"no consumer"}""",
            """{"consumer":"short","key":"tooshort"}""",
            """not json""");

        (int exit, _, string error) = await RunAsync("keys", "import", file);

        Assert.Equal(1, exit);
        Assert.Contains(":2: consumer is required", error, StringComparison.Ordinal);
        Assert.Contains(":3: key must be", error, StringComparison.Ordinal);
        Assert.Contains(":4: not a JSON object", error, StringComparison.Ordinal);
        Assert.Empty(_storage.Names("cli-bucket"));
    }

    [Fact]
    public async Task List_Pages_Export_HasNoKeysOrHashes_RevokeByConsumer()
    {
        string file = await WriteLinesAsync([.. Enumerable.Range(0, 7).Select(i => $$"""{"consumer":"{{(i < 3 ? "acme" : "other" + i)}}"}""")]);
        (_, string imported, _) = await RunAsync("keys", "import", file, "--json");
        string[] keys = imported.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("key").GetString()!).ToArray();

        var seen = new List<string>();
        string? token = null;
        int pages = 0;
        do
        {
            (int exit, string page, string error) = await RunAsync(["keys", "list", "--json", "--page-size", "3", .. token is null ? Array.Empty<string>() : ["--page-token", token]]);
            Assert.Equal(0, exit);
            seen.AddRange(JsonDocument.Parse(page).RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetString()!));
            token = error.Contains("--page-token ", StringComparison.Ordinal) ? error.Trim().Split(' ')[^1] : null;
            pages++;
        }
        while (token is not null);
        Assert.Equal(3, pages);
        Assert.Equal(7, seen.Distinct().Count());

        (_, string export, _) = await RunAsync("keys", "export");
        Assert.Equal(7, export.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.DoesNotContain("sha256", export, StringComparison.Ordinal);
        Assert.All(keys, k => Assert.DoesNotContain(k, export, StringComparison.Ordinal));

        (int revokeExit, string revoked, _) = await RunAsync("keys", "revoke", "--consumer", "acme");
        Assert.Equal(0, revokeExit);
        Assert.Contains("Revoked 3 keys of acme", revoked, StringComparison.Ordinal);
        KeyIndex index = await ReadAsync();
        Assert.Equal(3, keys.Count(k => index.Check(k, _time.GetUtcNow()).Verdict == KeyVerdict.Revoked));
        Assert.Equal(4, keys.Count(k => index.Check(k, _time.GetUtcNow()).Verdict == KeyVerdict.Valid));
    }

    [Fact]
    public async Task Migrate_FromFile_CopiesEverything_AndIsIdempotent()
    {
        string source = Path.Combine(_directory, "keyring.json");
        (int exit, string created, string error) = await ConsoleCapture.RunAsync(_time, "keys", "create", "--consumer", "acme", "--json", "--keyring", source);
        Assert.True(exit == 0, error);
        string key = JsonDocument.Parse(created).RootElement.GetProperty("key").GetString()!;

        (int first, string firstOut, _) = await ConsoleCapture.RunAsync(_time, "keys", "migrate", "--from", source, "--to", Keyring);
        (int second, string secondOut, _) = await ConsoleCapture.RunAsync(_time, "keys", "migrate", "--from", source, "--to", Keyring);

        Assert.Equal(0, first);
        Assert.Contains("Copied 1 of 1", firstOut, StringComparison.Ordinal);
        Assert.Equal(0, second);
        Assert.Contains("Copied 0 of 1", secondOut, StringComparison.Ordinal);
        Assert.Equal(KeyVerdict.Valid, (await ReadAsync()).Check(key, _time.GetUtcNow()).Verdict);
    }

    [Fact]
    public async Task CreateRotateShow_WorkOnGs()
    {
        (int exit, string created, string error) = await RunAsync("keys", "create", "--consumer", "acme", "--json");
        Assert.True(exit == 0, error);
        string id = JsonDocument.Parse(created).RootElement.GetProperty("id").GetString()!;

        Assert.Equal(0, (await RunAsync("keys", "rotate", id, "--grace", "1h")).Exit);
        (int showExit, string show, _) = await RunAsync("keys", "show", id);

        Assert.Equal(0, showExit);
        Assert.Contains("\"expires\"", show, StringComparison.Ordinal);
        Assert.Equal(2, (await ReadAsync()).Count);
    }

    private async Task<string> WriteLinesAsync(params string[] lines)
    {
        string path = Path.Combine(_directory, "keys.jsonl");
        await File.WriteAllLinesAsync(path, lines);
        return path;
    }

    private Task<KeyIndex> ReadAsync() =>
        new StorageKeyringStore(CloudStorage.CreateClient(_storage.BaseAddress), StorageLocation.Parse(Keyring)).ReadAsync(default);

    private Task<(int Exit, string Out, string Error)> RunAsync(params string[] args) =>
        ConsoleCapture.RunAsync(_time, [.. args, "--keyring", Keyring]);
}
