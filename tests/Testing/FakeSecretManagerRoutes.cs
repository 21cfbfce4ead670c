using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Portcullis.PolicyEngine.Keys;

namespace Portcullis.Testing;

/// <summary>The REST surface of <see cref="FakeSecretManager"/> (v1: secrets, versions, access, addVersion, aliases).</summary>
internal static class FakeSecretManagerRoutes
{
    public static async Task DispatchAsync(HttpContext context, ConcurrentDictionary<string, FakeSecret> secrets)
    {
        string path = context.Request.Path.Value ?? "";
        string method = context.Request.Method;
        if (!path.StartsWith("/v1/projects/", StringComparison.Ordinal))
        {
            await FakeSecretManager.ErrorAsync(context, 404, "NOT_FOUND", "Unknown path").ConfigureAwait(false);
            return;
        }

        // projects/P/secrets/S[...]
        string rest = path["/v1/".Length..];
        string[] parts = rest.Split('/');
        if (parts.Length < 4 || parts[2] != "secrets")
        {
            await FakeSecretManager.ErrorAsync(context, 404, "NOT_FOUND", "Unknown path").ConfigureAwait(false);
            return;
        }

        string secretPart = parts[3];
        string verb = "";
        int colon = secretPart.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0 && parts.Length == 4)
        {
            verb = secretPart[(colon + 1)..];
            secretPart = secretPart[..colon];
        }

        string secretName = $"projects/{parts[1]}/secrets/{secretPart}";
        if (!secrets.TryGetValue(secretName, out FakeSecret? secret))
        {
            await FakeSecretManager.ErrorAsync(context, 404, "NOT_FOUND", $"Secret [{secretName}] not found or has no versions.").ConfigureAwait(false);
            return;
        }

        JsonObject? body = null;
        if (method is "POST" or "PATCH" && context.Request.ContentLength != 0)
        {
            body = await JsonNode.ParseAsync(context.Request.Body).ConfigureAwait(false) as JsonObject;
        }

        (int status, JsonNode response) = Handle(secret, parts, verb, method, body, context.Request.Query["updateMask"].ToString());
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.ToJsonString()).ConfigureAwait(false);
    }

    private static (int Status, JsonNode Body) Handle(FakeSecret secret, string[] parts, string verb, string method, JsonObject? body, string updateMask)
    {
        lock (secret)
        {
            if (parts.Length == 4)
            {
                return (method, verb) switch
                {
                    ("GET", "") => (200, SecretJson(secret)),
                    ("PATCH", "") => Patch(secret, body, updateMask),
                    ("POST", "addVersion") => AddVersion(secret, body),
                    _ => Error(404, "NOT_FOUND", "Unknown method"),
                };
            }

            if (parts.Length == 5 && parts[4] == "versions" && method == "GET")
            {
                var list = new JsonArray();
                foreach (FakeSecretVersion v in secret.Versions.Values.Reverse())
                {
                    list.Add(VersionJson(secret, v));
                }

                return (200, new JsonObject { ["versions"] = list, ["totalSize"] = secret.Versions.Count });
            }

            if (parts.Length == 6 && parts[4] == "versions")
            {
                string id = parts[5];
                string versionVerb = "";
                int colon = id.IndexOf(':', StringComparison.Ordinal);
                if (colon >= 0)
                {
                    versionVerb = id[(colon + 1)..];
                    id = id[..colon];
                }

                FakeSecretVersion? version = Resolve(secret, id);
                if (version is null)
                {
                    return Error(404, "NOT_FOUND", $"Secret Version [{secret.Name}/versions/{id}] not found.");
                }

                return (method, versionVerb) switch
                {
                    ("GET", "") => (200, VersionJson(secret, version)),
                    ("GET", "access") => Access(secret, version),
                    ("POST", "disable") => SetState(secret, version, "DISABLED"),
                    ("POST", "enable") => SetState(secret, version, "ENABLED"),
                    ("POST", "destroy") => SetState(secret, version, "DESTROYED"),
                    _ => Error(404, "NOT_FOUND", "Unknown method"),
                };
            }

            return Error(404, "NOT_FOUND", "Unknown path");
        }
    }

    private static FakeSecretVersion? Resolve(FakeSecret secret, string id)
    {
        if (id == "latest")
        {
            return secret.Versions.Count == 0 ? null : secret.Versions[secret.Versions.Keys.Max()];
        }

        if (long.TryParse(id, out long number))
        {
            return secret.Versions.GetValueOrDefault(number);
        }

        return secret.Aliases.TryGetValue(id, out long aliased) ? secret.Versions.GetValueOrDefault(aliased) : null;
    }

    private static (int, JsonNode) Access(FakeSecret secret, FakeSecretVersion version)
    {
        if (version.State != "ENABLED")
        {
            return Error(400, "FAILED_PRECONDITION", $"Secret Version [{secret.Name}/versions/{version.Number}] is in {version.State} state.");
        }

        return (200, new JsonObject
        {
            ["name"] = $"{secret.Name}/versions/{version.Number}",
            ["payload"] = new JsonObject
            {
                ["data"] = Convert.ToBase64String(version.Data),
                ["dataCrc32c"] = FakeSecretManager.Int64(version.Crc),
            },
        });
    }

    private static (int, JsonNode) AddVersion(FakeSecret secret, JsonObject? body)
    {
        string? data = body?["payload"]?["data"]?.GetValue<string>();
        if (data is null)
        {
            return Error(400, "INVALID_ARGUMENT", "payload.data is required");
        }

        byte[] bytes = Convert.FromBase64String(data);
        if (bytes.Length > FakeSecretManager.MaxPayloadBytes)
        {
            return Error(400, "INVALID_ARGUMENT", $"Secret payload data length must be less than or equal to {FakeSecretManager.MaxPayloadBytes} bytes.");
        }

        uint crc = Crc32C.Compute(bytes);
        if (body!["payload"]?["dataCrc32c"] is { } given && given.ToString() != FakeSecretManager.Int64(crc))
        {
            return Error(400, "INVALID_ARGUMENT", "Checksum mismatch: the data_crc32c does not match the payload data.");
        }

        FakeSecretVersion version = secret.Versions[secret.Add(bytes, crc)];
        return (200, VersionJson(secret, version));
    }

    private static (int, JsonNode) Patch(FakeSecret secret, JsonObject? body, string updateMask)
    {
        if (updateMask is not ("versionAliases" or "version_aliases"))
        {
            return Error(400, "INVALID_ARGUMENT", "only versionAliases may be updated here");
        }

        if (body?["etag"]?.GetValue<string>() is { } etag && etag != secret.Etag)
        {
            return Error(409, "ABORTED", "The etag provided in the request does not match the current etag of the resource.");
        }

        var aliases = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach ((string alias, JsonNode? value) in body?["versionAliases"]?.AsObject() ?? [])
        {
            long number = long.Parse(value!.ToString(), System.Globalization.CultureInfo.InvariantCulture);
            if (!secret.Versions.ContainsKey(number))
            {
                return Error(400, "INVALID_ARGUMENT", $"Version {number} does not exist.");
            }

            aliases[alias] = number;
        }

        secret.Aliases.Clear();
        foreach ((string alias, long number) in aliases)
        {
            secret.Aliases[alias] = number;
        }

        secret.Touch();
        return (200, SecretJson(secret));
    }

    private static (int, JsonNode) SetState(FakeSecret secret, FakeSecretVersion version, string state)
    {
        if (version.State == "DESTROYED")
        {
            return Error(400, "FAILED_PRECONDITION", "The version is destroyed.");
        }

        version.State = state;
        if (state == "DESTROYED")
        {
            version.Data = [];
        }

        return (200, VersionJson(secret, version));
    }

    private static JsonObject SecretJson(FakeSecret secret)
    {
        var aliases = new JsonObject();
        foreach ((string alias, long number) in secret.Aliases)
        {
            aliases[alias] = FakeSecretManager.Int64(number);
        }

        return new JsonObject
        {
            ["name"] = secret.Name,
            ["etag"] = secret.Etag,
            ["createTime"] = secret.Created.ToString("O"),
            ["versionAliases"] = aliases,
            ["replication"] = new JsonObject { ["automatic"] = new JsonObject() },
        };
    }

    private static JsonObject VersionJson(FakeSecret secret, FakeSecretVersion version) => new()
    {
        ["name"] = $"{secret.Name}/versions/{version.Number}",
        ["createTime"] = version.Created.ToString("O"),
        ["state"] = version.State,
        ["etag"] = version.Etag,
    };

    private static (int, JsonNode) Error(int code, string status, string message) =>
        (code, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["status"] = status } });
}
