namespace Portcullis.GoogleCloud.Keyrings;

/// <summary>A document as read from a store, with the version a compare-and-swap write must name.</summary>
/// <param name="Content">The document, or null when nothing is stored yet.</param>
/// <param name="Version">Opaque version (a content hash, or a secret version); null when nothing is stored.</param>
public sealed record StoredDocument(string? Content, string? Version)
{
    /// <summary>Nothing stored yet.</summary>
    public static StoredDocument Missing { get; } = new(null, null);
}
