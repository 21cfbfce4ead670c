using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Portcullis.GoogleCloud.Configs;
using Portcullis.GoogleCloud.Storage;
using Portcullis.PolicyEngine.Keys;
using Portcullis.Testing;

namespace Portcullis.KeyringScale;

/// <summary>
/// Runs a published (Native AOT) gateway binary against the Cloud Storage fake: a sharded keyring
/// with a journal and a config, both from gs://; a key from a shard and one from the journal work,
/// an unknown key is refused, a revocation is picked up. Prints PASS or what failed.
/// </summary>
internal static class AotProbe
{
    public static async Task<int> RunAsync(string binary)
    {
        await using FakeCloudStorage storage = await FakeCloudStorage.StartAsync();
        await using WebApplication backend = await Scenarios.StartBackendAsync();
        string backendUrl = Scenarios.AddressOf(backend);
        var keys = new StorageKeyringStore(CloudStorage.CreateClient(storage.BaseAddress), StorageLocation.Parse("gs://aot/keys"));
        var records = Enumerable.Range(0, StorageKeyringStore.JournalLimit + 10).Select(_ => ApiKeys.Generate()).ToList();
        await keys.EditAsync(edit => { records.ForEach(k => edit.Put(Keyring.NewRecord(k, "sharded", DateTimeOffset.UtcNow))); return 0; }, default);
        string journalKey = ApiKeys.Generate();
        KeyRecord journal = Keyring.NewRecord(journalKey, "journal", DateTimeOffset.UtcNow);
        await keys.EditAsync(edit => { edit.Put(journal); return 0; }, default);
        var configs = new StorageConfigStore(CloudStorage.CreateClient(storage.BaseAddress), StorageLocation.Parse("gs://aot/configs"));
        await configs.TryDeployAsync(Scenarios.Config(backendUrl), new ConfigVersionInfo("", "aot", DateTimeOffset.UtcNow, "probe", "probe"), null, default);

        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PORTCULLIS_BIND"] = "loopback";
        start.Environment["PORTCULLIS_KEYS"] = "gs://aot/keys";
        start.Environment["PORTCULLIS_CONFIG"] = "gs://aot/configs";
        start.Environment["PORTCULLIS_STORAGE_URL"] = storage.BaseAddress.ToString();
        start.Environment["PORTCULLIS_POLL_SECONDS"] = "0.5";
        start.Environment["PORTCULLIS_BACKEND_AUTH"] = "off";
        using Process gateway = Process.Start(start)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        gateway.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        gateway.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        gateway.BeginOutputReadLine();
        gateway.BeginErrorReadLine();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            HttpStatusCode first = await EventuallyAsync(client, "/things?key=" + journalKey, HttpStatusCode.OK);
            var results = new List<(string What, bool Ok)>
            {
                ("journal key 200", first == HttpStatusCode.OK),
                ("shard key 200", (await client.GetAsync("/things?key=" + records[123])).StatusCode == HttpStatusCode.OK),
                ("unknown key 400", (await client.GetAsync("/things?key=" + ApiKeys.Generate())).StatusCode == HttpStatusCode.BadRequest),
            };
            await keys.EditAsync(edit => { edit.Put(journal with { Revoked = DateTimeOffset.UtcNow }); return 0; }, default);
            results.Add(("revoked key 400 after a poll", await EventuallyAsync(client, "/things?key=" + journalKey, HttpStatusCode.BadRequest) == HttpStatusCode.BadRequest));
            foreach ((string what, bool ok) in results)
            {
                Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
            }

            bool pass = results.All(r => r.Ok);
            Console.WriteLine(pass ? "PASS" : "FAIL\n" + string.Join('\n', output));
            return pass ? 0 : 1;
        }
        finally
        {
            gateway.Kill();
            await gateway.WaitForExitAsync();
        }
    }

    private static async Task<HttpStatusCode> EventuallyAsync(HttpClient client, string target, HttpStatusCode expected)
    {
        HttpStatusCode last = 0;
        for (int i = 0; i < 200 && last != expected; i++)
        {
            try
            {
                last = (await client.GetAsync(target)).StatusCode;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (last != expected)
            {
                await Task.Delay(100);
            }
        }

        return last;
    }
}
