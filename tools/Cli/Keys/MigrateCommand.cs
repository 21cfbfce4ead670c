using System.CommandLine;
using System.Text.Json;
using Portcullis.GoogleCloud.Keyrings;
using Portcullis.PolicyEngine.Keys;

namespace Portcullis.Cli.Keys;

/// <summary>
/// <c>portcullis keys migrate --from SOURCE --to DESTINATION</c>: copies every record (hashes, not
/// keys) that the destination lacks or holds differently. Idempotent, so the no-downtime move is:
/// migrate, point the gateways at the destination, migrate again to carry over changes made in
/// between, then retire the source.
/// </summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "Source keyring (file, sm://… or gs://…)", Required = true };
        var to = new Option<string>("--to") { Description = "Destination keyring (usually gs://BUCKET/PREFIX)", Required = true };
        var command = new Command("migrate", "Copy a keyring to another store without downtime (safe to run again).") { from, to };
        command.SetAction((result, ct) => KeysCommand.RunAsync(result, async (_, _) =>
        {
            IKeyringEditor source = KeyringLocations.Open(result.GetValue(from)!);
            IKeyringEditor destination = KeyringLocations.Open(result.GetValue(to)!);
            List<KeyRecord> records = (await source.ReadAsync(ct).ConfigureAwait(false)).Records().ToList();
            int copied = await destination.EditAsync(edit =>
            {
                foreach (KeyRecord record in records)
                {
                    if (edit.Current.Find(record.Digest) is not { } existing || !Same(existing, record))
                    {
                        edit.Put(record);
                    }
                }

                return edit.Puts.Count;
            }, ct).ConfigureAwait(false);
            Console.WriteLine($"Copied {copied} of {records.Count} keys from {source.Location} to {destination.Location} ({records.Count - copied} already there).");
            return 0;
        }, ct));
        return command;
    }

    // Times compare to the millisecond: what a gs:// keyring keeps.
    private static bool Same(KeyRecord a, KeyRecord b) => Canonical(a) == Canonical(b);

    private static string Canonical(KeyRecord record)
    {
        KeyRecordDocument document = Keyring.ToDocument(record);
        document.Created = Millis(document.Created);
        document.Expires = document.Expires is { } e ? Millis(e) : null;
        document.Revoked = document.Revoked is { } r ? Millis(r) : null;
        return JsonSerializer.Serialize(document, KeysLineJsonContext.Default.KeyRecordDocument);
    }

    private static DateTimeOffset Millis(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());
}
