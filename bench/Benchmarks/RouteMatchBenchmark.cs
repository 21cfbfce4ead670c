using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using Portcullis.PolicyEngine.Policy;
using Portcullis.PolicyEngine.Routing;

namespace Portcullis.Benchmarks;

/// <summary>
/// Route matching on a 41-operation config: the compiled trie against the naive approach
/// (one anchored regex per operation, tried in order, as ESPv2's generated Envoy routes are).
/// Goal: the trie allocates nothing.
/// </summary>
[MemoryDiagnoser]
public class RouteMatchBenchmark
{
    private ApiPolicy _policy = null!;
    private (Regex Pattern, ApiOperation Operation)[] _regexes = null!;

    [Params("/v1/stores", "/v1/reviews/12345/items/abc", "/v1/files/a/b/c/d.txt", "/v2/unknown/path")]
    public string Path { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _policy = SampleConfig.Compile();
        _regexes = _policy.Operations
            .Select(o => (new Regex("^" + TemplateToRegex(o.Template) + @"/?$", RegexOptions.Compiled), o))
            .ToArray();
    }

    [Benchmark]
    public ApiOperation? Trie()
    {
        RouteMatch match = _policy.Routes.TryMatch("GET", Path);
        return match.Operation;
    }

    [Benchmark(Baseline = true)]
    public ApiOperation? RegexPerOperation()
    {
        foreach ((Regex pattern, ApiOperation operation) in _regexes)
        {
            if (operation.Method == "GET" && pattern.IsMatch(Path))
            {
                return operation;
            }
        }

        return null;
    }

    private static string TemplateToRegex(PathTemplate template) => string.Concat(template.Segments.Select(s => s.Kind switch
    {
        SegmentKind.Literal => "/" + Regex.Escape(s.Text!),
        SegmentKind.Single => "/[^/]+",
        _ => "/.*",
    }));
}
