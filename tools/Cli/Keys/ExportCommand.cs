using System.CommandLine;
using System.Text.Json;
using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Keys.Sharded;

namespace Portcullis.Cli.Keys;

/// <summary><c>portcullis keys export</c>: every key's metadata as JSON lines (no keys, no hashes), a page at a time from the store.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var command = new Command("export", "Print every key's metadata as JSON lines (never keys or their hashes).");
        command.SetAction((result, ct) => KeysCommand.RunAsync(result, async (store, _) =>
        {
            KeyIndex index = await store.ReadAsync(ct).ConfigureAwait(false);
            var lines = new JsonLinesWriter();
            string? token = null;
            do
            {
                foreach (KeyRecord record in index.Page(token, 10_000, out token))
                {
                    KeyRecordDocument document = Keyring.ToDocument(record);
                    document.Sha256 = null;
                    lines.Write(JsonSerializer.Serialize(document, KeysLineJsonContext.Default.KeyRecordDocument));
                }
            }
            while (token is not null);
            lines.Flush();
            return 0;
        }, ct));
        return command;
    }
}
