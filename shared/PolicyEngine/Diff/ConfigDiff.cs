using Portcullis.PolicyEngine.Policy;

namespace Portcullis.PolicyEngine.Diff;

/// <summary>
/// The differences between a live config and a new one, with the downgrades named: a protected
/// operation that becomes keyless (or key-optional), a JWT requirement removed or widened (another
/// issuer, a changed issuer or key URL, wider audiences), <c>x-google-allow: all</c> turned on,
/// <c>disable_auth</c> turned on, a backend's ID-token audience changed. Used by the deployer's
/// guard and by <c>portcullis diff</c>.
/// </summary>
public static class ConfigDiff
{
    /// <summary>Compares <paramref name="before"/> (null: nothing deployed yet) with <paramref name="after"/>.</summary>
    public static IReadOnlyList<ConfigChange> Compare(ApiPolicy? before, ApiPolicy after)
    {
        var changes = new List<ConfigChange>();
        if (before is not null && !before.AllowAll && after.AllowAll)
        {
            changes.Add(new ConfigChange(ChangeKind.Changed, "*", "x-google-allow: all now lets every unrecognised call through without a key", IsDowngrade: true));
        }

        if (before is not null && before.AllowAll && !after.AllowAll)
        {
            changes.Add(new ConfigChange(ChangeKind.Changed, "*", "x-google-allow: all removed", IsDowngrade: false));
        }

        foreach (QuotaLimit limit in before?.QuotaLimits ?? [])
        {
            QuotaLimit? now = after.QuotaLimits.FirstOrDefault(l => l.Name == limit.Name);
            if (now is null)
            {
                changes.Add(new ConfigChange(ChangeKind.Removed, "*", $"quota limit '{limit.Name}' ({limit.PerMinute}/min of {limit.Metric}) removed", IsDowngrade: true));
            }
            else if (now.PerMinute != limit.PerMinute || now.Metric != limit.Metric)
            {
                changes.Add(new ConfigChange(ChangeKind.Changed, "*", $"quota limit '{limit.Name}' {limit.PerMinute}/min → {now.PerMinute}/min", IsDowngrade: false));
            }
        }

        foreach (QuotaLimit limit in after.QuotaLimits.Where(l => before?.QuotaLimits.All(b => b.Name != l.Name) ?? true))
        {
            changes.Add(new ConfigChange(ChangeKind.Added, "*", $"quota limit '{limit.Name}' ({limit.PerMinute}/min of {limit.Metric})", IsDowngrade: false));
        }

        Dictionary<string, ApiOperation> old = Index(before);
        Dictionary<string, ApiOperation> @new = Index(after);
        foreach ((string name, ApiOperation operation) in @new.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!old.TryGetValue(name, out ApiOperation? previous))
            {
                changes.Add(new ConfigChange(ChangeKind.Added, Display(operation), $"new operation {operation.OperationId} ({Describe(operation.KeyRequirement)})", IsDowngrade: false));
                continue;
            }

            CompareOperation(Display(operation), previous, operation, changes);
        }

        foreach ((string name, ApiOperation operation) in old.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!@new.ContainsKey(name))
            {
                changes.Add(new ConfigChange(ChangeKind.Removed, Display(operation), $"operation {operation.OperationId} removed", IsDowngrade: false));
            }
        }

        return changes;
    }

    private static void CompareOperation(string name, ApiOperation previous, ApiOperation operation, List<ConfigChange> changes)
    {
        if (AuthDiff.Compare(name, previous.Authentication, operation.Authentication) is { } authChange)
        {
            changes.Add(authChange);
        }
        else if (previous.KeyRequirement != operation.KeyRequirement)
        {
            bool weaker = operation.KeyRequirement < previous.KeyRequirement;
            changes.Add(new ConfigChange(
                ChangeKind.Changed,
                name,
                $"API key {Describe(previous.KeyRequirement)} → {Describe(operation.KeyRequirement)}",
                IsDowngrade: weaker));
        }
        else if (!previous.KeyLocations.SequenceEqual(operation.KeyLocations))
        {
            changes.Add(new ConfigChange(ChangeKind.Changed, name, $"key locations {Locations(previous)} → {Locations(operation)}", IsDowngrade: false));
        }

        if (previous.MetricCosts is { Count: > 0 } && operation.MetricCosts is null)
        {
            changes.Add(new ConfigChange(ChangeKind.Changed, name, "x-google-quota removed: the operation is no longer counted against quota limits", IsDowngrade: true));
        }

        BackendRule a = previous.Backend;
        BackendRule b = operation.Backend;
        if (!a.DisableAuth && b.DisableAuth)
        {
            changes.Add(new ConfigChange(ChangeKind.Changed, name, "disable_auth turned on: the backend gets no ID token", IsDowngrade: true));
        }
        else if (a.JwtAudience is not null && b.JwtAudience is not null && a.JwtAudience != b.JwtAudience)
        {
            changes.Add(new ConfigChange(ChangeKind.Changed, name, $"ID-token audience {a.JwtAudience} → {b.JwtAudience}", IsDowngrade: true));
        }
        else if (a.DisableAuth && !b.DisableAuth)
        {
            changes.Add(new ConfigChange(ChangeKind.Changed, name, "disable_auth turned off", IsDowngrade: false));
        }

        if (a.Address != b.Address || a.Translation != b.Translation || a.Deadline != b.Deadline || a.Protocol != b.Protocol)
        {
            changes.Add(new ConfigChange(ChangeKind.Changed, name, $"backend {a.Address} ({a.Translation}, {a.Deadline.TotalSeconds:0.###} s) → {b.Address} ({b.Translation}, {b.Deadline.TotalSeconds:0.###} s)", IsDowngrade: false));
        }
    }

    private static Dictionary<string, ApiOperation> Index(ApiPolicy? policy) =>
        policy?.Operations.ToDictionary(o => $"{o.Method} {o.Template.Shape}", StringComparer.Ordinal) ?? [];

    private static string Display(ApiOperation operation) => $"{operation.Method} {operation.Template.Text}";

    private static string Describe(KeyRequirement requirement) => requirement switch
    {
        KeyRequirement.Required => "required",
        KeyRequirement.Optional => "optional",
        _ => "not needed",
    };

    private static string Locations(ApiOperation operation) => "[" + string.Join(", ", operation.KeyLocations) + "]";
}
