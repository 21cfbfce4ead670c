namespace Portcullis.GoogleCloud.Keyrings;

/// <summary>A store could not be read or written (unreachable, permission denied, payload too large, …).</summary>
public class StoreException(string message, Exception? inner = null) : Exception(message, inner);
