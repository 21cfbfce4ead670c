using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Portcullis.GoogleCloud.Auth;
using Portcullis.GoogleCloud.Keyrings;
using Portcullis.PolicyEngine.Keys;

namespace Portcullis.GoogleCloud.SecretManager;

/// <summary>
/// Secret Manager v1 over REST/JSON (the generated client package is not available here):
/// get/patch a secret, access and add versions, disable a version. Payloads are CRC32C-checked
/// both ways. Every failure becomes a <see cref="StoreException"/> that says what to do.
/// </summary>
public sealed class SecretManagerClient(HttpClient http, IAccessTokenSource tokens)
{
    /// <summary>Google's default endpoint.</summary>
    public static readonly Uri DefaultBaseAddress = new("https://secretmanager.googleapis.com/");

    /// <summary>The payload limit of one version.</summary>
    public const int MaxPayloadBytes = 64 * 1024;

    /// <summary>Reads a secret's etag and version aliases (alias → version number).</summary>
    public async Task<(string Etag, IReadOnlyDictionary<string, long> Aliases)> GetSecretAsync(string secret, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, $"v1/{secret}", null, secret, cancellationToken).ConfigureAwait(false);
        SecretDto dto = await ReadAsync(response, SecretManagerJsonContext.Default.SecretDto, cancellationToken).ConfigureAwait(false);
        var aliases = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach ((string alias, string value) in dto.VersionAliases ?? [])
        {
            // A garbled answer is an unreadable store (StoreException), not a crash of whoever polls it.
            aliases[alias] = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long version)
                ? version
                : throw new StoreException($"Secret Manager answered an alias '{alias}' of {secret} that names no version ('{value}')");
        }

        return (dto.Etag ?? "", aliases);
    }

    /// <summary>Reads a version's payload (number, <c>latest</c> or an alias) and checks its CRC32C.</summary>
    public async Task<byte[]> AccessAsync(string secret, string version, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, $"v1/{secret}/versions/{version}:access", null, secret, cancellationToken).ConfigureAwait(false);
        PayloadEnvelopeDto dto = await ReadAsync(response, SecretManagerJsonContext.Default.PayloadEnvelopeDto, cancellationToken).ConfigureAwait(false);
        byte[] data;
        try
        {
            data = Convert.FromBase64String(dto.Payload?.Data ?? "");
        }
        catch (FormatException e)
        {
            throw new StoreException($"{secret} version {version}: the payload is not base64", e);
        }

        if (dto.Payload?.DataCrc32C is { } crc && crc != Crc32C.Compute(data).ToString(CultureInfo.InvariantCulture))
        {
            throw new StoreException($"{secret} version {version}: the payload does not match its CRC32C (corrupt); not used");
        }

        return data;
    }

    /// <summary>Adds a version and returns its number.</summary>
    public async Task<long> AddVersionAsync(string secret, byte[] data, CancellationToken cancellationToken)
    {
        if (data.Length > MaxPayloadBytes)
        {
            throw new StoreException($"{secret}: the payload is {data.Length} bytes; Secret Manager allows {MaxPayloadBytes} bytes per version");
        }

        var body = new PayloadEnvelopeDto
        {
            Payload = new PayloadDto
            {
                Data = Convert.ToBase64String(data),
                DataCrc32C = Crc32C.Compute(data).ToString(CultureInfo.InvariantCulture),
            },
        };
        using HttpResponseMessage response = await SendAsync(
            HttpMethod.Post,
            $"v1/{secret}:addVersion",
            JsonContent.Create(body, SecretManagerJsonContext.Default.PayloadEnvelopeDto),
            secret,
            cancellationToken).ConfigureAwait(false);
        SecretVersionDto version = await ReadAsync(response, SecretManagerJsonContext.Default.SecretVersionDto, cancellationToken).ConfigureAwait(false);
        return VersionNumber(version.Name);
    }

    /// <summary>
    /// Replaces the secret's aliases if its etag is still <paramref name="etag"/>. Returns false
    /// when another writer changed the secret first.
    /// </summary>
    public async Task<bool> TrySetAliasesAsync(string secret, IReadOnlyDictionary<string, long> aliases, string etag, CancellationToken cancellationToken)
    {
        var body = new SecretDto
        {
            Etag = etag,
            VersionAliases = aliases.ToDictionary(kv => kv.Key, kv => kv.Value.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal),
        };
        using HttpResponseMessage response = await SendAsync(
            HttpMethod.Patch,
            $"v1/{secret}?updateMask=versionAliases",
            JsonContent.Create(body, SecretManagerJsonContext.Default.SecretDto),
            secret,
            cancellationToken,
            conflictIsAnswer: true).ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }

    /// <summary>Version numbers and states, newest first (first page, up to <paramref name="pageSize"/>).</summary>
    public async Task<IReadOnlyList<(long Version, string State)>> ListVersionsAsync(string secret, int pageSize, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(
            HttpMethod.Get,
            $"v1/{secret}/versions?pageSize={pageSize.ToString(CultureInfo.InvariantCulture)}",
            null,
            secret,
            cancellationToken).ConfigureAwait(false);
        VersionListDto list = await ReadAsync(response, SecretManagerJsonContext.Default.VersionListDto, cancellationToken).ConfigureAwait(false);
        return (list.Versions ?? []).Select(v => (VersionNumber(v.Name), v.State ?? "STATE_UNSPECIFIED")).OrderByDescending(v => v.Item1).ToList();
    }

    /// <summary>Disables a version (best effort clean-up of a version that lost a race).</summary>
    public async Task DisableVersionAsync(string secret, long version, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(
            HttpMethod.Post,
            $"v1/{secret}/versions/{version.ToString(CultureInfo.InvariantCulture)}:disable",
            JsonContent.Create(new SecretDto(), SecretManagerJsonContext.Default.SecretDto),
            secret,
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method,
        string path,
        HttpContent? content,
        string secret,
        CancellationToken cancellationToken,
        bool conflictIsAnswer = false)
    {
        string token;
        try
        {
            token = await tokens.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new StoreException($"no Google access token for Secret Manager: {e.Message}", e);
        }

        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new StoreException($"Secret Manager is unreachable ({http.BaseAddress}): {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StoreException($"Secret Manager did not answer within {http.Timeout.TotalSeconds:0.#} s", e);
        }

        if (response.IsSuccessStatusCode
            || (conflictIsAnswer && response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed))
        {
            return response;
        }

        using (response)
        {
            throw await ErrorAsync(response, secret, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<StoreException> ErrorAsync(HttpResponseMessage response, string secret, CancellationToken cancellationToken)
    {
        string detail = "";
        try
        {
            ErrorEnvelopeDto? envelope = await response.Content.ReadFromJsonAsync(SecretManagerJsonContext.Default.ErrorEnvelopeDto, cancellationToken).ConfigureAwait(false);
            detail = envelope?.Error?.Message ?? "";
        }
        catch (JsonException)
        {
            // Not Google's envelope (a proxy's page, say): the status says enough.
        }

        string what = response.StatusCode switch
        {
            HttpStatusCode.NotFound => $"secret {secret} (or the version asked for) does not exist; create it with 'gcloud secrets create'",
            HttpStatusCode.Forbidden => $"permission denied on {secret}; reading needs roles/secretmanager.secretAccessor (versions.access) plus secretmanager.secrets.get on the secret; writing also needs secretmanager.secrets.update, secretmanager.versions.add, .list and .disable (the portcullisSecretReader and portcullisSecretWriter roles of docs/deploy.md)",
            HttpStatusCode.Unauthorized => "Secret Manager refused the credentials",
            _ when (int)response.StatusCode >= 500 => $"Secret Manager failed ({(int)response.StatusCode})",
            _ => $"Secret Manager refused the request ({(int)response.StatusCode})",
        };
        return new StoreException(detail.Length == 0 ? what : $"{what}: {detail}");
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false)
                ?? throw new StoreException("Secret Manager answered with an empty body");
        }
        catch (JsonException e)
        {
            throw new StoreException("Secret Manager answered with something that is not JSON", e);
        }
    }

    private static long VersionNumber(string? name)
    {
        int slash = name?.LastIndexOf('/') ?? -1;
        return slash >= 0 && long.TryParse(name.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long n)
            ? n
            : throw new StoreException($"Secret Manager returned an unexpected version name '{name}'");
    }
}
