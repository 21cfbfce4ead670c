using Portcullis.GoogleCloud.Storage;

namespace Portcullis.Gateway.Keys;

/// <summary>Registers the gs:// keyring (<c>PORTCULLIS_KEYS=gs://BUCKET/PREFIX</c>) as the key source.</summary>
internal static class StorageKeyringServices
{
    public static void Add(IServiceCollection services, GatewayOptions options)
    {
        services.AddSingleton(_ => new StorageKeyringReader(CloudStorage.CreateClient(options.StorageUrl), StorageLocation.Parse(options.KeysPath)));
        services.AddSingleton<StorageKeyring>();
        services.AddSingleton<IKeySource, StorageKeySource>();
        services.AddHostedService<StorageKeyringPoller>();
    }
}
