using System.Globalization;
using System.Text.Json.Nodes;

namespace Portcullis.Testing;

/// <summary>Object, list and error bodies of the Cloud Storage JSON API (numbers that are int64 are decimal strings).</summary>
internal static class FakeStorageJson
{
    public static string Object(FakeStoredObject o) => ObjectNode(o).ToJsonString();

    public static string List(IReadOnlyList<FakeStoredObject> items, IEnumerable<string> prefixes, string? nextPageToken)
    {
        var node = new JsonObject
        {
            ["kind"] = "storage#objects",
            ["items"] = new JsonArray([.. items.Select(i => (JsonNode)ObjectNode(i))]),
        };
        var list = prefixes.ToList();
        if (list.Count > 0)
        {
            node["prefixes"] = new JsonArray([.. list.Select(p => (JsonNode)JsonValue.Create(p))]);
        }

        if (nextPageToken is not null)
        {
            node["nextPageToken"] = nextPageToken;
        }

        return node.ToJsonString();
    }

    public static string Error(int status, string reason, string message) => new JsonObject
    {
        ["error"] = new JsonObject
        {
            ["code"] = status,
            ["message"] = message,
            ["errors"] = new JsonArray(new JsonObject { ["domain"] = "global", ["reason"] = reason, ["message"] = message }),
        },
    }.ToJsonString();

    private static JsonObject ObjectNode(FakeStoredObject o)
    {
        string updated = o.Updated.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var node = new JsonObject
        {
            ["kind"] = "storage#object",
            ["id"] = $"{o.Bucket}/{o.Name}/{o.Generation}",
            ["name"] = o.Name,
            ["bucket"] = o.Bucket,
            ["generation"] = o.Generation.ToString(CultureInfo.InvariantCulture),
            ["metageneration"] = o.Metageneration.ToString(CultureInfo.InvariantCulture),
            ["contentType"] = o.ContentType,
            ["storageClass"] = "STANDARD",
            ["size"] = o.StoredLength.ToString(CultureInfo.InvariantCulture),
            ["md5Hash"] = o.Md5Base64,
            ["crc32c"] = o.Crc32cBase64,
            ["etag"] = o.ETag,
            ["timeCreated"] = updated,
            ["updated"] = updated,
        };
        if (o.ContentEncoding is not null)
        {
            node["contentEncoding"] = o.ContentEncoding;
        }

        return node;
    }
}
