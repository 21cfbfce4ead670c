namespace Portcullis.Gateway;

/// <summary>Where API keys are checked (<c>PORTCULLIS_KEYS</c>).</summary>
internal enum KeysMode
{
    Keyring,
    SecretManager,
    ServiceControl,
    CloudStorage,
}
