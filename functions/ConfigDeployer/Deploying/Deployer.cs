using Portcullis.ConfigDeployer.Api;
using Portcullis.GoogleCloud.Configs;
using Portcullis.GoogleCloud.Keyrings;
using Portcullis.PolicyEngine.Compilation;
using Portcullis.PolicyEngine.Diff;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.ConfigDeployer.Deploying;

/// <summary>
/// Validate → diff → guard → store, with the same compiler as the gateway. A deploy is a
/// compare-and-swap on the live version it diffed against; on a race it re-reads and re-diffs,
/// so the guard always judges the change against what is really live. A config that names no
/// backend is compiled with the gateways' default (<c>PORTCULLIS_BACKEND</c>); without one it is refused.
/// </summary>
internal sealed class Deployer(IConfigStore store, DeployerOptions options, TimeProvider time, ILogger<Deployer> logger)
{
    private const int Attempts = 10;
    private readonly CompileOptions _compileOptions = new() { DefaultBackend = options.DefaultBackend };

    public async Task<DeployOutcome> DeployAsync(string content, string deployer, bool dryRun, bool allowDowngrade, CancellationToken cancellationToken)
    {
        CompileResult compiled = PolicyCompiler.Compile(content, _compileOptions);
        List<DiagnosticDto> warnings = compiled.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning).Select(ToDto).ToList();
        if (compiled.Policy is not { } policy)
        {
            List<DiagnosticDto> errors = compiled.Diagnostics.Select(ToDto).ToList();
            DeployerLog.Rejected(logger, deployer, errors.Count(e => e.Severity == "error"));
            return DeployOutcome.Fail(422, $"INVALID_ARGUMENT: the config has {compiled.Errors.Count()} error(s); nothing was stored", errors);
        }

        for (int attempt = 1; attempt <= Attempts; attempt++)
        {
            ConfigVersion? live = await store.GetLiveAsync(cancellationToken).ConfigureAwait(false);
            if (live?.Info.ConfigId == policy.ConfigId)
            {
                return DeployOutcome.Ok(new DeployResponse(policy.ConfigId, live.Info.Version, true, Unchanged: true, dryRun, [], warnings));
            }

            ApiPolicy? livePolicy = live is null ? null : PolicyCompiler.Compile(live.Content, _compileOptions).Policy;
            List<ChangeDto> diff = ConfigDiff.Compare(livePolicy, policy).Select(ToDto).ToList();
            List<ChangeDto> downgrades = diff.Where(c => c.Downgrade).ToList();
            if (downgrades.Count > 0 && !allowDowngrade)
            {
                DeployerLog.DowngradeRefused(logger, deployer, downgrades.Count);
                return DeployOutcome.Fail(
                    409,
                    $"FAILED_PRECONDITION: the change weakens protection in {downgrades.Count} place(s); deploy with allowDowngrade=true if that is intended",
                    downgrades: downgrades);
            }

            if (dryRun)
            {
                return DeployOutcome.Ok(new DeployResponse(policy.ConfigId, null, false, false, DryRun: true, diff, warnings));
            }

            var info = new ConfigVersionInfo("", policy.ConfigId, time.GetUtcNow(), deployer, Summary(policy, diff));
            ConfigVersionInfo? stored = await store.TryDeployAsync(content, info, live?.Info.Version, cancellationToken).ConfigureAwait(false);
            if (stored is not null)
            {
                DeployerLog.Deployed(logger, stored.Version, policy.ConfigId, deployer, stored.Summary);
                return DeployOutcome.Ok(new DeployResponse(policy.ConfigId, stored.Version, true, false, false, diff, warnings));
            }

            DeployerLog.Raced(logger, deployer, attempt);
        }

        return DeployOutcome.Fail(503, "UNAVAILABLE: the config store kept changing during the deploy; retry");
    }

    public async Task<(int Status, RollbackResponse? Response, ErrorResponse? Error)> RollbackAsync(string version, string deployer, CancellationToken cancellationToken)
    {
        ConfigVersionInfo? target = (await store.ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(v => v.Version == version);
        if (target is null)
        {
            return (404, null, new ErrorResponse(404, $"NOT_FOUND: there is no config version {version}"));
        }

        for (int attempt = 1; attempt <= Attempts; attempt++)
        {
            ConfigVersion? live = await store.GetLiveAsync(cancellationToken).ConfigureAwait(false);
            if (await store.TrySetLiveAsync(version, live?.Info.Version, cancellationToken).ConfigureAwait(false))
            {
                DeployerLog.RolledBack(logger, version, target.ConfigId, deployer);
                return (200, new RollbackResponse(version, target.ConfigId), null);
            }
        }

        return (503, null, new ErrorResponse(503, "UNAVAILABLE: the config store kept changing during the rollback; retry"));
    }

    private static string Summary(ApiPolicy policy, List<ChangeDto> diff) =>
        $"{policy.Operations.Count} operations; {diff.Count(c => c.Kind == "added")} added, {diff.Count(c => c.Kind == "removed")} removed, {diff.Count(c => c.Kind == "changed")} changed";

    private static DiagnosticDto ToDto(Diagnostic d) =>
        new(d.Severity == DiagnosticSeverity.Error ? "error" : "warning", d.Pointer, d.Line, d.Column, d.Message);

    private static ChangeDto ToDto(ConfigChange c) =>
        new(c.Kind.ToString().ToLowerInvariant(), c.Operation, c.Detail, c.IsDowngrade);
}
