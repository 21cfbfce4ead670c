using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Portcullis.PolicyEngine.Keys;

namespace Portcullis.Benchmarks;

/// <summary>
/// The SHA-256 of one key, the largest single cost of a keyring check (perf put OpenSSL at
/// ~1.4 µs per request in the gateway): the one-shot <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/>
/// (a new OpenSSL digest context and an algorithm fetch per call) against a reused
/// <see cref="IncrementalHash"/>, and the gateway's <see cref="KeyDigest.TryCompute"/> (a reused
/// context per thread since issue 16 replaced the hand-written SHA-256).
/// </summary>
[MemoryDiagnoser]
public class KeyDigestBenchmark
{
    private readonly string _key = ApiKeys.Generate();
    private readonly IncrementalHash _incremental = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    [Benchmark(Baseline = true)]
    public byte OneShot()
    {
        Span<byte> utf8 = stackalloc byte[64];
        int length = Encoding.UTF8.GetBytes(_key, utf8);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(utf8[..length], hash);
        return hash[0];
    }

    [Benchmark]
    public byte ReusedIncrementalHash()
    {
        Span<byte> utf8 = stackalloc byte[64];
        int length = Encoding.UTF8.GetBytes(_key, utf8);
        Span<byte> hash = stackalloc byte[32];
        _incremental.AppendData(utf8[..length]);
        _incremental.GetHashAndReset(hash);
        return hash[0];
    }

    [Benchmark]
    public bool GatewayKeyDigest() => KeyDigest.TryCompute(_key, out _);
}
