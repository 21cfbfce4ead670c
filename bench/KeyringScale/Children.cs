using System.Diagnostics;
using System.Globalization;
using Portcullis.GoogleCloud.Storage;
using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Keys.Sharded;

namespace Portcullis.KeyringScale;

/// <summary>Measurements that run in a fresh process, so the fake's own objects are not in the heap measured.</summary>
internal static class Children
{
    public static async Task<int> LoadAsync(string url, string location)
    {
        var reader = new StorageKeyringReader(CloudStorage.CreateClient(CloudStorage.ParseUrl(url)), StorageLocation.Parse(location));

        // Warm the client (first HTTP connection, JIT of the download path) on a 304-free metadata read of nothing.
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        KeyringSnapshot snapshot = (await reader.PollAsync(null, default))!;
        double seconds = clock.Elapsed.TotalSeconds;
        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(snapshot);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"LOAD keys={snapshot.Index.Count} seconds={seconds:F3} heapAfterMB={after / 1048576.0:F1} heapDeltaMB={(after - before) / 1048576.0:F1} footprintMB={snapshot.Index.Shards.Sum(s => s?.Footprint ?? 0) / 1048576.0:F1}"));
        return 0;
    }

    public static async Task<int> CheckAsync(string url, string big, string small, string keysFile)
    {
        var client = CloudStorage.CreateClient(CloudStorage.ParseUrl(url));
        KeyIndex bigIndex = (await new StorageKeyringReader(client, StorageLocation.Parse(big)).PollAsync(null, default))!.Index;
        KeyIndex smallIndex = (await new StorageKeyringReader(client, StorageLocation.Parse(small)).PollAsync(null, default))!.Index;
        string[] bigKeys = File.ReadLines(keysFile).Take(100_000).ToArray();
        string[] smallKeys = Scenarios.SmallKeys;
        DateTimeOffset now = DateTimeOffset.UtcNow;
        foreach ((string name, KeyIndex index, string[] keys) in new[] { ("1M", bigIndex, bigKeys), ("10", smallIndex, smallKeys), ("1M", bigIndex, bigKeys), ("10", smallIndex, smallKeys) })
        {
            // Warm: every key's record decoded once (as a running gateway has for its active keys).
            foreach (string key in keys)
            {
                _ = index.Check(key, now);
            }

            const int Checks = 2_000_000;
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            int valid = 0;
            for (int i = 0; i < Checks; i++)
            {
                valid += index.Check(keys[i % keys.Length], now).Verdict == KeyVerdict.Valid ? 1 : 0;
            }

            double ns = clock.Elapsed.TotalNanoseconds / Checks;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"CHECK keyring={name} distinctKeys={keys.Length} nsPerCheck={ns:F0} valid={valid} allocatedBytesPerCheck={(GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)Checks:F2}"));
        }

        return 0;
    }

    /// <summary>The backend the gateway forwards to, in its own process: answers "ok"; prints its URL, runs until killed.</summary>
    public static async Task<int> BackendAsync()
    {
        await using WebApplication backend = await Scenarios.StartBackendAsync();
        Console.WriteLine("BACKEND " + Scenarios.AddressOf(backend));
        await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
