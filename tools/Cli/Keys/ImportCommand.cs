using System.CommandLine;
using System.Text.Json;
using Portcullis.GoogleCloud.Keyrings;
using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Keys.Sharded;

namespace Portcullis.Cli.Keys;

/// <summary>
/// <c>portcullis keys import FILE</c>: JSON lines, one key each. Every line is checked before
/// anything is written (all problems reported, with line numbers); then all keys go in as one
/// change, so an import is all or nothing. Raw keys brought along are hashed and never stored;
/// keys generated here are printed once.
/// </summary>
internal static class ImportCommand
{
    public static Command Create(TimeProvider time)
    {
        var file = new Argument<FileInfo>("file") { Description = "JSON lines: {\"consumer\": …} plus optional name, key, expires, quota, restrictions, labels, metadata" };
        var command = new Command("import", "Import keys from a JSON-lines file (all or nothing).") { file };
        command.SetAction((result, ct) => KeysCommand.RunAsync(result, async (store, json) =>
        {
            DateTimeOffset now = time.GetUtcNow();
            List<(KeyRecord Record, ImportedKeyLine Line)> keys = await ReadAsync(result.GetValue(file)!, now, ct).ConfigureAwait(false);
            await store.EditAsync(edit =>
            {
                foreach ((KeyRecord record, ImportedKeyLine line) in keys)
                {
                    if (edit.Current.Find(record.Digest) is not null)
                    {
                        throw new FormatException($"the key for {line.Consumer} ({record.Id}) is already in {store.Location}; nothing imported");
                    }

                    edit.Put(record);
                }

                return 0;
            }, ct).ConfigureAwait(false);
            if (json)
            {
                var lines = new JsonLinesWriter();
                foreach ((_, ImportedKeyLine line) in keys)
                {
                    lines.Write(JsonSerializer.Serialize(line, KeysLineJsonContext.Default.ImportedKeyLine));
                }

                lines.Flush();
            }
            else
            {
                Console.WriteLine($"Imported {keys.Count} keys into {store.Location}.");
            }

            return 0;
        }, ct));
        return command;
    }

    private static async Task<List<(KeyRecord, ImportedKeyLine)>> ReadAsync(FileInfo file, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var keys = new List<(KeyRecord, ImportedKeyLine)>();
        var problems = new List<string>();
        var seen = new HashSet<KeyDigest>();
        int number = 0;
        using StreamReader reader = file.OpenText();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } text)
        {
            number++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            string where = $"{file.Name}:{number}";
            ImportLine? line;
            try
            {
                line = JsonSerializer.Deserialize(text, KeysLineJsonContext.Default.ImportLine);
            }
            catch (JsonException e)
            {
                problems.Add($"{where}: not a JSON object: {e.Message}");
                continue;
            }

            if (ToRecord(line, where, now, problems) is { } made && made.Record is { } record)
            {
                if (!seen.Add(record.Digest))
                {
                    problems.Add($"{where}: the same key appears twice in the file");
                    continue;
                }

                keys.Add((record, new ImportedKeyLine(record.Id, record.Consumer, line!.Name, made.Generated)));
            }

            if (problems.Count >= 100)
            {
                break;
            }
        }

        return problems.Count == 0 ? keys : throw new FormatException($"nothing imported:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", problems)}");
    }

    private static (KeyRecord? Record, string? Generated)? ToRecord(ImportLine? line, string where, DateTimeOffset now, List<string> problems)
    {
        if (line is null || string.IsNullOrWhiteSpace(line.Consumer))
        {
            problems.Add($"{where}: consumer is required");
            return null;
        }

        string? generated = null;
        string key;
        bool imported = false;
        if (line.Key is { } brought)
        {
            imported = !ApiKeys.IsWellFormed(brought);
            if (imported && !ImportedKeys.IsAcceptable(brought))
            {
                problems.Add($"{where}: key must be {ImportedKeys.MinLength}-{ImportedKeys.MaxLength} printable ASCII characters");
                return null;
            }

            key = brought;
        }
        else
        {
            key = generated = ApiKeys.Generate();
        }

        DateTimeOffset? expires = null;
        if (line.Expires is { } text)
        {
            try
            {
                expires = TimeInput.ParseExpiry(text, now);
            }
            catch (FormatException e)
            {
                problems.Add($"{where}/expires: {e.Message}");
                return null;
            }
        }

        KeyDigest.TryCompute(key, out KeyDigest digest);
        var labels = line.Labels is null ? new Dictionary<string, string>() : new Dictionary<string, string>(line.Labels);
        if (line.Name is { } name)
        {
            labels["name"] = name;
        }

        var document = new KeyRecordDocument
        {
            Consumer = line.Consumer,
            Created = now,
            Expires = expires,
            Labels = labels,
            Metadata = line.Metadata,
            Quota = line.Quota,
            Restrictions = line.Restrictions,
            Imported = imported ? true : null,
        };
        int before = problems.Count;
        KeyRecord record = Keyring.ToRecord(document, digest, where, problems);
        return problems.Count == before ? (record, generated) : null;
    }
}
