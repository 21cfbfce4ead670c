using Portcullis.PolicyEngine.Keys;

namespace Portcullis.Cli.Dev;

/// <summary>
/// Puts a fresh demo key into the local keyring for <c>portcullis dev</c>. Keys the user made
/// stay; the previous demo key is replaced. Only the key's hash is written.
/// </summary>
internal static class DevKeyring
{
    public const string DemoLabel = "portcullis-dev";

    public static string AddDemoKey(string path, DateTimeOffset now)
    {
        var records = new List<KeyRecord>();
        if (File.Exists(path))
        {
            Keyring existing = Keyring.TryParse(File.ReadAllText(path), out IReadOnlyList<string> errors)
                ?? throw new InvalidOperationException($"{path} is not a valid keyring: {string.Join("; ", errors)}");
            records.AddRange(existing.Records.Where(r => !r.Labels.ContainsKey(DemoLabel)));
        }

        string key = ApiKeys.Generate();
        KeyRecord demo = Keyring.NewRecord(key, "dev-demo", now) with
        {
            Labels = new Dictionary<string, string> { [DemoLabel] = "demo" },
        };
        records.Add(demo);

        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        // Write beside, then rename: a reader never sees half a keyring.
        string temp = path + ".tmp-" + Environment.ProcessId;
        File.WriteAllText(temp, Keyring.Serialize(records));
        File.Move(temp, path, overwrite: true);
        return key;
    }
}
