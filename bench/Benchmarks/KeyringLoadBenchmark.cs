using BenchmarkDotNet.Attributes;
using Portcullis.PolicyEngine.Keys;

namespace Portcullis.Benchmarks;

/// <summary>Time to parse and compile a keyring document of 100,000 keys (what a reload costs).</summary>
[MemoryDiagnoser]
public class KeyringLoadBenchmark
{
    private string _json = null!;

    [GlobalSetup]
    public void Setup()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        _json = Keyring.Serialize(Enumerable.Range(0, 100_000).Select(i => Keyring.NewRecord(ApiKeys.Generate(), "consumer-" + i, now)));
    }

    [Benchmark]
    public int ParseAndCompile() => Keyring.TryParse(_json, out _)!.Count;
}
