using Portcullis.GoogleCloud.Keyrings;
using Portcullis.PolicyEngine.Keys;

namespace Portcullis.Cli.Dev;

/// <summary>
/// Puts a fresh demo key into the local keyring for <c>portcullis dev</c>. Keys the user made
/// stay; the previous demo key is replaced. Only the key's hash is written.
/// </summary>
internal static class DevKeyring
{
    public const string DemoLabel = "portcullis-dev";

    public static Task<string> AddDemoKeyAsync(string path, DateTimeOffset now, CancellationToken cancellationToken) =>
        KeyringUpdates.UpdateAsync(new FileKeyringStore(path), records =>
        {
            records.RemoveAll(r => r.Labels.ContainsKey(DemoLabel));
            string key = ApiKeys.Generate();
            records.Add(Keyring.NewRecord(key, "dev-demo", now) with
            {
                Labels = new Dictionary<string, string> { [DemoLabel] = "demo" },
            });
            return key;
        }, cancellationToken);
}
