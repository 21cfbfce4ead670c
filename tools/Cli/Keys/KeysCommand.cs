using System.CommandLine;
using System.Text.Json;
using Portcullis.GoogleCloud.Auth;
using Portcullis.GoogleCloud.Keyrings;
using Portcullis.GoogleCloud.SecretManager;
using Portcullis.PolicyEngine.Keys;

namespace Portcullis.Cli.Keys;

/// <summary><c>portcullis keys create|list|show|revoke|rotate</c>: key lifecycle on a keyring store. Keys are printed only at creation.</summary>
internal static class KeysCommand
{
    private static readonly Option<string> s_keyring = new("--keyring")
    {
        Description = "Keyring: a file path, sm://projects/P/secrets/S or gs://BUCKET/PREFIX",
        DefaultValueFactory = _ => ".portcullis/keyring.json",
        Recursive = true,
    };

    private static readonly Option<bool> s_json = new("--json") { Description = "Print JSON", Recursive = true };

    public static Command Create(TimeProvider time)
    {
        var command = new Command("keys", "Create, list, show, revoke, rotate, import, export and migrate API keys.") { s_keyring, s_json };
        command.Subcommands.Add(CreateCommand(time));
        command.Subcommands.Add(ListCommand(time));
        command.Subcommands.Add(ShowCommand(time));
        command.Subcommands.Add(RevokeCommand(time));
        command.Subcommands.Add(RotateCommand(time));
        command.Subcommands.Add(ImportCommand.Create(time));
        command.Subcommands.Add(ExportCommand.Create());
        command.Subcommands.Add(MigrateCommand.Create());
        return command;
    }

    private static Command CreateCommand(TimeProvider time)
    {
        var consumer = new Option<string>("--consumer") { Description = "Who the key is for", Required = true };
        var expires = new Option<string?>("--expires") { Description = "Expiry: 30d, 24h, or an ISO 8601 time" };
        var labels = new Option<string[]>("--label") { Description = "key=value label (repeatable)", AllowMultipleArgumentsPerToken = false };
        var metadata = new Option<string[]>("--metadata") { Description = "key=value forwarded to the backend in X-Portcullis-Key-Metadata (repeatable)" };
        var ips = new Option<string[]>("--allow-ip") { Description = "Allowed client network, CIDR (repeatable)" };
        var referrers = new Option<string[]>("--allow-referrer") { Description = "Allowed referrer pattern, e.g. *.example.com/* (repeatable)" };
        var operations = new Option<string[]>("--allow-operation") { Description = "Allowed operationId (repeatable)" };
        var command = new Command("create", "Create a key. The key is printed once and never stored.")
        {
            consumer, expires, labels, metadata, ips, referrers, operations,
        };
        command.SetAction((result, ct) => RunAsync(result, async (store, json) =>
        {
            DateTimeOffset now = time.GetUtcNow();
            var restrictions = new KeyRestrictionsDocument
            {
                Ips = NullIfEmpty(result.GetValue(ips)),
                Referrers = NullIfEmpty(result.GetValue(referrers)),
                Operations = NullIfEmpty(result.GetValue(operations)),
            };
            KeyRecord template = Restricted(Keyring.NewRecord(ApiKeys.Generate(), result.GetValue(consumer)!, now), restrictions) with
            {
                Expires = result.GetValue(expires) is { } e ? TimeInput.ParseExpiry(e, now) : null,
                Labels = TimeInput.ParsePairs(result.GetValue(labels) ?? [], "--label"),
            };
            Dictionary<string, string> meta = TimeInput.ParsePairs(result.GetValue(metadata) ?? [], "--metadata");
            CreatedKey created = await store.EditAsync(edit =>
            {
                string key = ApiKeys.Generate();
                KeyRecord fresh = Keyring.NewRecord(key, template.Consumer, now);
                edit.Put(template with { Id = fresh.Id, Digest = fresh.Digest, Metadata = meta.Count == 0 ? null : meta });
                return new CreatedKey(key, fresh.Id, template.Consumer, template.Expires);
            }, ct).ConfigureAwait(false);
            PrintCreated(created, json, "Created");
            return 0;
        }, ct));
        return command;
    }

    private static Command ListCommand(TimeProvider time)
    {
        var pageSize = new Option<int>("--page-size") { Description = "Keys per page", DefaultValueFactory = _ => 1000 };
        var pageToken = new Option<string?>("--page-token") { Description = "Continue from the token the previous page printed" };
        var command = new Command("list", "List keys (ids, consumers, status; never the keys), a page at a time.") { pageSize, pageToken };
        command.SetAction((result, ct) => RunAsync(result, async (store, json) =>
        {
            PolicyEngine.Keys.Sharded.KeyIndex index = await store.ReadAsync(ct).ConfigureAwait(false);
            DateTimeOffset now = time.GetUtcNow();
            int size = result.GetValue(pageSize);
            if (size < 1)
            {
                throw new FormatException("--page-size must be 1 or more");
            }

            List<KeyView> views = index.Page(result.GetValue(pageToken), size, out string? next).Select(r => KeyView.Of(r, now)).ToList();
            if (next is not null)
            {
                await Console.Error.WriteLineAsync($"More keys: add --page-token {next}").ConfigureAwait(false);
            }

            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(views, CliJsonContext.Default.ListKeyView));
                return 0;
            }

            Console.WriteLine($"{"ID",-14}{"CONSUMER",-20}{"STATUS",-9}{"CREATED",-22}{"EXPIRES",-22}LABELS");
            foreach (KeyView v in views)
            {
                string labels = string.Join(",", v.Labels.Select(kv => $"{kv.Key}={kv.Value}"));
                Console.WriteLine($"{v.Id,-14}{v.Consumer,-20}{v.Status,-9}{Time(v.Created),-22}{(v.Expires is { } e ? Time(e) : "-"),-22}{labels}");
            }

            return 0;
        }, ct));
        return command;
    }

    private static Command ShowCommand(TimeProvider time)
    {
        var id = new Argument<string>("id") { Description = "Key id" };
        var command = new Command("show", "Show one key's record (never the key).") { id };
        command.SetAction((result, ct) => RunAsync(result, async (store, json) =>
        {
            var read = new KeyringEdit(await store.ReadAsync(ct).ConfigureAwait(false));
            KeyRecord record = Find(read, result.GetValue(id)!);
            Console.WriteLine(JsonSerializer.Serialize(KeyView.Of(record, time.GetUtcNow()), CliJsonContext.Default.KeyView));
            return 0;
        }, ct));
        return command;
    }

    private static Command RevokeCommand(TimeProvider time)
    {
        var id = new Argument<string?>("id") { Description = "Key id", Arity = ArgumentArity.ZeroOrOne };
        var consumer = new Option<string?>("--consumer") { Description = "Revoke every key of this consumer instead" };
        var command = new Command("revoke", "Revoke a key (or every key of a consumer) now; gateways refuse it within one poll.") { id, consumer };
        command.SetAction((result, ct) => RunAsync(result, async (store, json) =>
        {
            DateTimeOffset now = time.GetUtcNow();
            string? keyId = result.GetValue(id);
            string? owner = result.GetValue(consumer);
            if ((keyId is null) == (owner is null))
            {
                throw new FormatException("name a key id or --consumer, not both");
            }

            List<string> revoked = await store.EditAsync(edit =>
            {
                List<KeyRecord> targets = keyId is not null
                    ? [Find(edit, keyId)]
                    : edit.Records().Where(r => r.Consumer == owner && r.Revoked is null).ToList();
                foreach (KeyRecord record in targets)
                {
                    edit.Put(record with { Revoked = record.Revoked ?? now });
                }

                return targets.Select(r => r.Id).ToList();
            }, ct).ConfigureAwait(false);
            Console.WriteLine(owner is null ? $"Revoked {revoked[0]}." : $"Revoked {revoked.Count} keys of {owner}: {string.Join(", ", revoked)}.");
            return 0;
        }, ct));
        return command;
    }

    private static Command RotateCommand(TimeProvider time)
    {
        var id = new Argument<string>("id") { Description = "Key id" };
        var grace = new Option<string>("--grace") { Description = "How long the old key keeps working", DefaultValueFactory = _ => "24h" };
        var command = new Command("rotate", "Issue a new key for the same consumer; the old one expires after a grace period.") { id, grace };
        command.SetAction((result, ct) => RunAsync(result, async (store, json) =>
        {
            DateTimeOffset now = time.GetUtcNow();
            DateTimeOffset oldExpiry = now + TimeInput.ParseDuration(result.GetValue(grace)!);
            CreatedKey created = await store.EditAsync(edit =>
            {
                KeyRecord old = Find(edit, result.GetValue(id)!);
                string key = ApiKeys.Generate();
                KeyRecord fresh = Keyring.NewRecord(key, old.Consumer, now);
                edit.Put(old with { Expires = old.Expires is { } e && e < oldExpiry ? e : oldExpiry });
                edit.Put(old with { Id = fresh.Id, Digest = fresh.Digest, Created = now, Revoked = null, Imported = false });
                return new CreatedKey(key, fresh.Id, old.Consumer, old.Expires);
            }, ct).ConfigureAwait(false);
            PrintCreated(created, json, $"Rotated {result.GetValue(id)} (old key works until {oldExpiry:u}); new key");
            return 0;
        }, ct));
        return command;
    }

    internal static async Task<int> RunAsync(ParseResult result, Func<IKeyringEditor, bool, Task<int>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await action(KeyringLocations.Open(result.GetValue(s_keyring)!), result.GetValue(s_json)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StoreException or FormatException or KeyNotFoundException or ArgumentException)
        {
            await Console.Error.WriteLineAsync("portcullis keys: " + e.Message).ConfigureAwait(false);
            return 1;
        }
    }

    private static KeyRecord Find(KeyringEdit edit, string id) =>
        edit.FindById(id) ?? throw new KeyNotFoundException($"no key with id '{id}'");

    private static KeyRecord Restricted(KeyRecord record, KeyRestrictionsDocument restrictions)
    {
        // Parse through the keyring document so the CLI and the gateway read restrictions one way.
        var document = new KeyringDocument
        {
            Keys = [new KeyRecordDocument { Sha256 = record.Digest.ToHex(), Consumer = record.Consumer, Created = record.Created, Restrictions = restrictions }],
        };
        Keyring parsed = Keyring.TryParse(JsonSerializer.Serialize(document, KeyringJsonContext.Default.KeyringDocument), out IReadOnlyList<string> errors)
            ?? throw new FormatException(string.Join("; ", errors));
        return parsed.Records.Single();
    }

    private static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    private static List<string>? NullIfEmpty(string[]? values) => values is { Length: > 0 } ? [.. values] : null;

    private static void PrintCreated(CreatedKey created, bool json, string what)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(created, CliJsonContext.Default.CreatedKey));
            return;
        }

        Console.WriteLine($"{what} {created.Id} for {created.Consumer}{(created.Expires is { } e ? $", expires {e:u}" : "")}.");
        Console.WriteLine("Key (shown once, store it now):");
        Console.WriteLine(created.Key);
    }
}
