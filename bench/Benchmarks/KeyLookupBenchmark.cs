using BenchmarkDotNet.Attributes;
using Portcullis.PolicyEngine.Keys;

namespace Portcullis.Benchmarks;

/// <summary>
/// Checking a key against a keyring of 100,000 keys: hash on the stack + frozen-dictionary
/// lookup, against the naive approach (hex-encode the hash, then scan the records with LINQ).
/// Goal: the keyring check allocates nothing.
/// </summary>
[MemoryDiagnoser]
public class KeyLookupBenchmark
{
    private const int Keys = 100_000;
    private Keyring _keyring = null!;
    private List<KeyRecord> _records = null!;
    private string _knownKey = null!;
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    [GlobalSetup]
    public void Setup()
    {
        _records = new List<KeyRecord>(Keys);
        for (int i = 0; i < Keys; i++)
        {
            string key = ApiKeys.Generate();
            _records.Add(Keyring.NewRecord(key, "consumer-" + i, _now.AddDays(-1)));
            if (i == Keys / 2)
            {
                _knownKey = key;
            }
        }

        _keyring = new Keyring(_records);
    }

    [Benchmark]
    public KeyVerdict KeyringCheck_Known() => _keyring.Check(_knownKey, _now).Verdict;

    [Benchmark]
    public KeyVerdict KeyringCheck_Unknown() => _keyring.Check("ptc_notakey00000000000000000000000000", _now).Verdict;

    [Benchmark(Baseline = true)]
    public KeyVerdict NaiveHexScan()
    {
        string hex = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(_knownKey)));
        KeyRecord? record = _records.FirstOrDefault(r => r.Digest.ToHex() == hex);
        return record is null ? KeyVerdict.Unknown : KeyVerdict.Valid;
    }
}
