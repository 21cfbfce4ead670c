namespace Portcullis.GoogleCloud.Keyrings;

/// <summary>A document does not fit one Secret Manager version even compressed: the caller's problem, not the store's.</summary>
public sealed class PayloadTooLargeException(string message) : StoreException(message);
