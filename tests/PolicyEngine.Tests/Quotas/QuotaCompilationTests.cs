using Portcullis.PolicyEngine.Compilation;
using Portcullis.PolicyEngine.Diff;
using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Policy;
using Portcullis.PolicyEngine.Quotas;

namespace Portcullis.PolicyEngine.Tests.Quotas;

public sealed class QuotaCompilationTests
{
    private const string Valid = """
        swagger: "2.0"
        info: { title: Q, version: "1" }
        x-google-backend: { address: "https://b.example.com" }
        x-google-management:
          metrics:
            - { name: reads, valueType: INT64, metricKind: DELTA }
            - { name: writes, valueType: INT64, metricKind: DELTA }
          quota:
            limits:
              - { name: read-limit, metric: reads, unit: "1/min/{project}", values: { STANDARD: 100 } }
              - { name: write-limit, metric: writes, unit: "1/min/{project}", values: { STANDARD: 10 } }
        paths:
          /r:
            get:
              operationId: r
              x-google-quota: { metricCosts: { reads: 3 } }
          /w:
            post:
              operationId: w
              x-google-quota: { metricCosts: { reads: 1, writes: 0 } }
        """;

    [Fact]
    public void Compile_LimitsAndCosts()
    {
        ApiPolicy policy = PolicyCompiler.Compile(Valid).Policy!;

        Assert.Equal([new QuotaLimit("read-limit", "reads", 100), new QuotaLimit("write-limit", "writes", 10)], policy.QuotaLimits);
        Assert.Equal(3, policy.Operations.Single(o => o.OperationId == "r").MetricCosts!["reads"]);
        Assert.Equal(1, policy.Operations.Single(o => o.OperationId == "w").MetricCosts!["writes"]);
    }

    [Theory]
    [InlineData("metric: reads, unit", "metric: nope, unit", "which is not defined")]
    [InlineData("unit: \"1/min/{project}\", values: { STANDARD: 100 }", "unit: \"1/d/{project}\", values: { STANDARD: 100 }", "is not supported")]
    [InlineData("STANDARD: 100", "STANDARD: -1", "0 or more")]
    [InlineData("metricCosts: { reads: 3 }", "metricCosts: { reads: -3 }", "0 or more")]
    [InlineData("metricCosts: { reads: 3 }", "metricCosts: { nothing: 3 }", "not defined")]
    public void Compile_BadQuotaConfig_IsADiagnostic(string from, string to, string fragment)
    {
        CompileResult result = PolicyCompiler.Compile(Valid.Replace(from, to, StringComparison.Ordinal));

        Diagnostic error = Assert.Single(result.Errors);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        Assert.True(error.Line > 0);
    }

    [Fact]
    public void Plan_ChargesPerConsumer_OrPerKeyWithOverride()
    {
        ApiPolicy policy = PolicyCompiler.Compile(Valid).Policy!;
        ApiOperation write = policy.Operations.Single(o => o.OperationId == "w");
        KeyRecord key = Keyring.NewRecord(ApiKeys.Generate(), "acme", DateTimeOffset.UtcNow) with
        {
            QuotaOverrides = new Dictionary<string, long> { ["write-limit"] = 2 },
        };

        QuotaCharge[] charges = QuotaPlan.For(policy, write, "consumer:acme", key);

        Assert.Equal(2, charges.Length);
        Assert.Contains(charges, c => c.Limit.Name == "read-limit" && c.Scope == "consumer:acme" && c.Allowed == 100);
        Assert.Contains(charges, c => c.Limit.Name == "write-limit" && c.Scope == "key:" + key.Id && c.Allowed == 2);
    }

    [Fact]
    public void LocalCounter_AllOrNothing_AndWindowRollover()
    {
        var limit = new QuotaLimit("l", "m", 3);
        var other = new QuotaLimit("o", "m2", 100);
        QuotaCharge[] charges = [new(other, "c", 1, 100), new(limit, "c", 2, 3)];
        var counter = new LocalQuotaCounter();
        var t0 = new DateTimeOffset(2026, 11, 24, 12, 0, 30, TimeSpan.Zero);

        Assert.True(counter.Consume(charges, t0).Allowed);
        QuotaDecision refused = counter.Consume(charges, t0);
        Assert.False(refused.Allowed);
        Assert.Equal("l", refused.Exhausted!.Value.Limit.Name);
        Assert.Equal(TimeSpan.FromSeconds(30), refused.Reset);

        // The refused call gave its charge on the other limit back.
        QuotaDecision next = counter.Consume([new(other, "c", 1, 100)], t0);
        Assert.Equal(98, next.Remaining);

        Assert.True(counter.Consume(charges, t0.AddSeconds(30)).Allowed);
    }

    [Fact]
    public void Diff_RemovingALimitOrAnOperationsCosts_IsADowngrade()
    {
        ApiPolicy before = PolicyCompiler.Compile(Valid).Policy!;
        ApiPolicy noLimit = PolicyCompiler.Compile(Valid.Replace("      - { name: write-limit, metric: writes, unit: \"1/min/{project}\", values: { STANDARD: 10 } }\n", "", StringComparison.Ordinal)).Policy!;
        ApiPolicy noCosts = PolicyCompiler.Compile(Valid.Replace("      x-google-quota: { metricCosts: { reads: 3 } }\n", "", StringComparison.Ordinal)).Policy!;

        Assert.Contains(ConfigDiff.Compare(before, noLimit), c => c.IsDowngrade && c.Detail.Contains("write-limit", StringComparison.Ordinal));
        Assert.Contains(ConfigDiff.Compare(before, noCosts), c => c.IsDowngrade && c.Operation == "GET /r");
    }
}
