namespace Portcullis.GoogleCloud.Configs;

/// <summary>
/// Versioned API configs with a live pointer (<c>dir:PATH</c> or a Secret Manager secret).
/// Deploys and rollbacks are compare-and-swap on the live version that was read, so two racing
/// deployers cannot lose or interleave a deploy.
/// </summary>
public interface IConfigStore
{
    /// <summary>Where the store is, for messages.</summary>
    string Location { get; }

    /// <summary>The live config, or null before the first deploy.</summary>
    Task<ConfigVersion?> GetLiveAsync(CancellationToken cancellationToken);

    /// <summary>All versions, newest first (content not included).</summary>
    Task<IReadOnlyList<ConfigVersionInfo>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="content"/> as a new version and makes it live, if the live version is still <paramref name="expectedLive"/>. Returns the new version, or null on a conflict.</summary>
    Task<ConfigVersionInfo?> TryDeployAsync(string content, ConfigVersionInfo info, string? expectedLive, CancellationToken cancellationToken);

    /// <summary>Makes an existing version live (rollback), if the live version is still <paramref name="expectedLive"/>. False on a conflict.</summary>
    Task<bool> TrySetLiveAsync(string version, string? expectedLive, CancellationToken cancellationToken);
}
