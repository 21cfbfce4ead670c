using System.Diagnostics;
using System.Globalization;
using Portcullis.GoogleCloud.Keyrings;
using Portcullis.GoogleCloud.Storage;

namespace Portcullis.KeyringScale;

/// <summary>
/// A long-lived writer process: the library code the CLI's <c>keys revoke</c> and <c>keys show</c> run
/// (StorageKeyringStore.EditAsync, KeyringEdit.FindById), with the keyring read once before the
/// measured window, so a change costs a manifest read and write (as a warm admin service would),
/// not a CLI start and a million-key read on the gateway's two cores. Prints READY, waits for a line
/// on stdin, then changes (or only reads, "show") one key every 2 s for SECONDS and prints what it did. A revoking writer makes one change before READY,
/// so the first change in the window does not pay for compiling the write path.
/// </summary>
internal static class Writer
{
    public static async Task<int> RunAsync(string url, string location, string action, string idsFile, int seconds)
    {
        var store = new StorageKeyringStore(CloudStorage.CreateClient(CloudStorage.ParseUrl(url)), StorageLocation.Parse(location));
        string[] ids = await File.ReadAllLinesAsync(idsFile);
        _ = await store.ReadAsync(default);
        int first = 0;
        if (action == "revoke")
        {
            // One change before the window: the write path is compiled (JIT) and the gateway has picked it up (poll 2 s).
            await store.EditAsync(edit => { edit.Put(Find(edit, ids[first++]) with { Revoked = DateTimeOffset.UtcNow }); return 0; }, default);
            await Task.Delay(TimeSpan.FromSeconds(2.5));
        }

        Console.WriteLine("READY");
        _ = await Console.In.ReadLineAsync();
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var window = Stopwatch.StartNew();
        var runs = new List<string>();
        for (int i = first; i < ids.Length && window.Elapsed < TimeSpan.FromSeconds(seconds); i++)
        {
            var started = Stopwatch.StartNew();
            string id = ids[i];
            if (action == "revoke")
            {
                await store.EditAsync(edit => { edit.Put(Find(edit, id) with { Revoked = DateTimeOffset.UtcNow }); return 0; }, default);
            }
            else
            {
                _ = Find(new KeyringEdit(await store.ReadAsync(default)), id);
            }

            runs.Add(started.Elapsed.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture) + "ms");
            TimeSpan rest = TimeSpan.FromSeconds(2) - started.Elapsed;
            if (rest > TimeSpan.Zero && window.Elapsed + rest < TimeSpan.FromSeconds(seconds))
            {
                await Task.Delay(rest);
            }
        }

        double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"DONE changes={runs.Count} writerCpuMs={cpuMs:F0} runs=[{string.Join(", ", runs)}]"));
        return 0;
    }

    private static Portcullis.PolicyEngine.Keys.KeyRecord Find(KeyringEdit edit, string id) =>
        edit.FindById(id) ?? throw new KeyNotFoundException($"no key with id '{id}'");
}
