using Portcullis.PolicyEngine.Compilation;
using Portcullis.PolicyEngine.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Portcullis.PolicyEngine.Tests.Yaml;

/// <summary>
/// Configs that load in PyYAML 6.0 and ruamel.yaml 0.17 (gcloud's and Google's Python tools' parsers)
/// load here with the same values. Every expected value below is what both of them return for the
/// same text (<c>yaml.safe_load</c>, <c>ruamel.yaml.YAML().load</c>); every expected error is one
/// they raise too.
/// </summary>
public sealed class YamlLoaderTests
{
    public static TheoryData<string, string, string> Loads => new()
    {
        // The case from issue 18: the continuation line at the key's indentation.
        { "double-quoted, continuation at the key's indentation", "a:\n  description: \"Generate a nearest\n  store based on x\"\n  b: 1\n", "Generate a nearest store based on x" },
        { "double-quoted, continuation left of the key", "a:\n  description: \"Generate a nearest\n store based on x\"\n  b: 1\n", "Generate a nearest store based on x" },
        { "double-quoted, continuation at column 1", "a:\n  description: \"Generate a nearest\nstore based on x\"\n  b: 1\n", "Generate a nearest store based on x" },
        { "double-quoted, continuation deeper (always loaded)", "a:\n  description: \"Generate a nearest\n     store based on x\"\n  b: 1\n", "Generate a nearest store based on x" },
        { "single-quoted, continuation at the key's indentation", "a:\n  description: 'Generate a nearest\n  store based on x'\n  b: 1\n", "Generate a nearest store based on x" },
        { "double-quoted, escaped line break", "a:\n  description: \"Generate a \\\n  nearest\"\n  b: 1\n", "Generate a nearest" },
        { "double-quoted, blank line is a newline", "a:\n  description: \"one\n\n  two\"\n  b: 1\n", "one\ntwo" },
        { "double-quoted, tab-indented continuation", "a:\n  description: \"one\n\ttwo\"\n  b: 1\n", "one two" },
        { "double-quoted, a '#' on the continuation is text", "a:\n  description: \"one\n  # two\"\n  b: 1\n", "one # two" },
        { "double-quoted, three lines, two too shallow", "a:\n  description: \"one\n  two\n three\"\n  b: 1\n", "one two three" },
        { "double-quoted, CRLF line ends", "a:\r\n  description: \"one\r\n  two\"\r\n  b: 1\r\n", "one two" },
    };

    [Theory]
    [MemberData(nameof(Loads))]
    public void Load_QuotedContinuation_HasPyYamlValue(string name, string yaml, string expected)
    {
        YamlStream stream = YamlLoader.Load(yaml);

        var a = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode).Children[new YamlScalarNode("a")];
        Assert.True(expected == ((YamlScalarNode)a.Children[new YamlScalarNode("description")]).Value, name);
        Assert.Equal("1", ((YamlScalarNode)a.Children[new YamlScalarNode("b")]).Value);
    }

    [Theory]
    [InlineData("a:\n  - \"one\n  two\"\n")]
    [InlineData("a:\n  - \"one\ntwo\"\n")]
    public void Load_QuotedContinuationInSequence_HasPyYamlValue(string yaml)
    {
        YamlStream stream = YamlLoader.Load(yaml);

        var a = (YamlSequenceNode)((YamlMappingNode)stream.Documents[0].RootNode).Children[new YamlScalarNode("a")];
        Assert.Equal("one two", ((YamlScalarNode)a.Children[0]).Value);
    }

    [Fact]
    public void Load_TopLevelQuotedContinuationAtColumnOne_HasPyYamlValue()
    {
        YamlStream stream = YamlLoader.Load("a: \"one\ntwo\"\nb: 1\n");

        Assert.Equal("one two", ((YamlScalarNode)((YamlMappingNode)stream.Documents[0].RootNode).Children[new YamlScalarNode("a")]).Value);
    }

    // Neighbours PyYAML refuses too: the error stays YamlDotNet's own, at the line and column of the text as written.
    public static TheoryData<string, string, int, int, string> Refusals => new()
    {
        { "plain scalar continued at the key's indentation", "a:\n  description: Generate a nearest\n  store based on x\n", 3, 19, "did not find expected key" },
        { "document separator inside a quoted scalar", "a: \"one\n---\ntwo\"\n", 2, 1, "document indicator" },
        { "unterminated quoted scalar", "a:\n  d: \"one\n  two\n", 4, 1, "end of stream" },
        { "bad escape on a re-indented line keeps its own column", "a:\n  d: \"one\n  t\\qo\"\n", 3, 4, "escape" },
        { "an error after a re-indented scalar keeps its line", "a:\n  d: \"one\n  two\"\n  e: [1, 2\n", 5, 1, "" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Load_RefusedByPyYamlToo_KeepsLineColumnAndReason(string name, string yaml, int line, int column, string reason)
    {
        YamlException error = Assert.ThrowsAny<YamlException>(() => YamlLoader.Load(yaml));

        string message = error.InnerException is { } inner ? error.Message + " " + inner.Message : error.Message;
        Assert.True(message.Contains(reason, StringComparison.Ordinal), $"{name}: {message} at {error.Start} - {error.End}");
        Assert.Equal((line, column), ((int)error.End.Line, (int)error.End.Column));
    }

    [Fact]
    public void Compile_IssueCaseInOperationDescription_Loads()
    {
        CompileResult result = PolicyCompiler.Compile("""
            swagger: "2.0"
            info:
              title: "Store
              finder"
              version: "1"
            x-google-backend: { address: "https://backend.example.com" }
            paths:
              /stores:
                get:
                  operationId: nearest
                  description: "Generate a list of the stores nearest
                  store based on the caller's location"
                  security: []
            """);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal("Store finder", result.Policy!.Title);
        Assert.Equal("/stores", result.Policy.Operations.Single().Template.Text);
    }
}
