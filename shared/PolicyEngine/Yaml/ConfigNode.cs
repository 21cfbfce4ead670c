using YamlDotNet.RepresentationModel;

namespace Portcullis.PolicyEngine.Yaml;

/// <summary>A node of a parsed config with the JSON pointer that leads to it and its line, for diagnostics.</summary>
internal readonly record struct ConfigNode(YamlNode Node, string Pointer)
{
    public int Line => (int)Node.Start.Line;

    public int Column => (int)Node.Start.Column;

    public bool IsMapping => Node is YamlMappingNode;

    public bool IsSequence => Node is YamlSequenceNode;

    public bool IsScalar => Node is YamlScalarNode;

    /// <summary>The scalar text, or null for a mapping or sequence (and for YAML null).</summary>
    public string? Scalar => Node is YamlScalarNode { Value: var v } s && !IsNullScalar(s) ? v : null;

    public bool IsNull => Node is YamlScalarNode s && IsNullScalar(s);

    public bool TryGet(string key, out ConfigNode child)
    {
        if (Node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? value))
        {
            child = new ConfigNode(value, Pointer + "/" + Escape(key));
            return true;
        }

        child = default;
        return false;
    }

    public IEnumerable<(string Key, ConfigNode Value)> Entries()
    {
        if (Node is not YamlMappingNode map)
        {
            yield break;
        }

        foreach (KeyValuePair<YamlNode, YamlNode> entry in map.Children)
        {
            string key = entry.Key is YamlScalarNode { Value: { } k } ? k : entry.Key.ToString();
            yield return (key, new ConfigNode(entry.Value, Pointer + "/" + Escape(key)));
        }
    }

    public IEnumerable<ConfigNode> Items()
    {
        if (Node is not YamlSequenceNode sequence)
        {
            yield break;
        }

        int i = 0;
        foreach (YamlNode item in sequence.Children)
        {
            yield return new ConfigNode(item, Pointer + "/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            i++;
        }
    }

    /// <summary>JSON pointer escaping (RFC 6901): <c>~</c> → <c>~0</c>, <c>/</c> → <c>~1</c>.</summary>
    public static string Escape(string key) => key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static bool IsNullScalar(YamlScalarNode scalar) =>
        scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";
}
