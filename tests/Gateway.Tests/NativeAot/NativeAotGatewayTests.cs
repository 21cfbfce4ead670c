using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Gateway.Tests.Jwt;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.NativeAot;

/// <summary>
/// The gateway published with Native AOT — the build that meets the cold-start and memory goals
/// (README, Performance) — run as a real process against the fakes. Trimming has broken it once
/// already at run time while it compiled cleanly (Google.Apis.Auth reads the metadata server's
/// answers with Newtonsoft.Json by reflection), so the published binary itself is exercised:
/// ID token from the metadata server, key check, forwarding, Service Control with access tokens,
/// and the Cloud Logging lines on stdout. Publishing takes a minute or two.
/// </summary>
public sealed class NativeAotGatewayTests(NativeAotGatewayTests.Build build) : IClassFixture<NativeAotGatewayTests.Build>
{
    private string Binary => build.Binary;

    private string WorkDirectory => build.Directory;

    /// <summary>Publishes the gateway with Native AOT once for the class.</summary>
    public sealed class Build : IAsyncLifetime
    {
        public string Binary { get; private set; } = null!;

        public string Directory { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            string root = RepositoryRoot();
            Directory = System.IO.Directory.CreateTempSubdirectory("portcullis-aot-").FullName;

            // A binary published beforehand (same command) saves the publish on a busy machine.
            if (Environment.GetEnvironmentVariable("PORTCULLIS_TEST_AOT_BINARY") is { Length: > 0 } published && File.Exists(published))
            {
                Binary = published;
                return;
            }

            string rid = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
            (int exit, string stdout, string stderr) = await ProcessRun.RunAsync(
                "dotnet",
                ["publish", Path.Combine(root, "functions", "Gateway", "Portcullis.Gateway.csproj"), "-c", "Release", "-r", rid,
                 "-p:PublishAot=true", "-o", Path.Combine(Directory, "publish"), "-nologo"],
                TimeSpan.FromMinutes(10));
            Assert.True(exit == 0, $"Native AOT publish failed ({exit}):\n{stdout}{stderr}");
            Binary = Path.Combine(Directory, "publish", "Portcullis.Gateway");
            Assert.True(File.Exists(Binary), $"no native binary at {Binary}:\n{stdout}{stderr}");
        }

        public Task DisposeAsync()
        {
            System.IO.Directory.Delete(Directory, recursive: true);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Keyring_IdToken_Forwarding_AndCloudLoggingLines()
    {
        await using EchoBackend backend = await EchoBackend.StartAsync();
        await using FakeMetadataServer metadata = await FakeMetadataServer.StartAsync();
        string audience = backend.BaseAddress.GetLeftPart(UriPartial.Authority);
        await using GatewayProcess gateway = await StartAsync(backend, metadata);

        using var client = new HttpClient();
        HttpResponseMessage ok = await client.GetAsync(new Uri(gateway.Address, "/things/7?key=" + TestGateway.ValidKey + "&x=1"));
        Assert.True(ok.StatusCode == HttpStatusCode.OK, $"{(int)ok.StatusCode} {await ok.Content.ReadAsStringAsync()}\n{gateway.Output()}");
        RecordedRequest seen = Assert.Single(backend.Requests);
        Assert.Equal("/things/7?x=1", seen.RawTarget);
        string? authorization = seen.Header("Authorization");
        Assert.NotNull(authorization);
        Assert.True(metadata.TryValidateIdToken(authorization["Bearer ".Length..], audience, out string? tokenError), tokenError);
        Assert.Equal("acme", seen.Header("X-Portcullis-Consumer"));

        HttpResponseMessage missing = await client.GetAsync(new Uri(gateway.Address, "/things/7"));
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        using JsonDocument error = JsonDocument.Parse(await missing.Content.ReadAsStringAsync());
        Assert.Equal(401, error.RootElement.GetProperty("code").GetInt32());

        // The request lines reach stdout as Cloud Logging JSON (batched: wait for them).
        JsonElement[] requestLines = await gateway.WaitForLinesAsync(
            line => line.TryGetProperty("httpRequest", out _), count: 2);
        JsonElement first = requestLines.Single(l => l.GetProperty("httpRequest").GetProperty("status").GetInt32() == 200);
        Assert.Equal("/things/7?x=1", first.GetProperty("httpRequest").GetProperty("requestUrl").GetString());
        Assert.Equal("INFO", first.GetProperty("severity").GetString());
        Assert.DoesNotContain(TestGateway.ValidKey, gateway.Output(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceControl_WithAccessTokens()
    {
        await using EchoBackend backend = await EchoBackend.StartAsync();
        await using FakeMetadataServer metadata = await FakeMetadataServer.StartAsync();
        await using FakeServiceControl serviceControl = await FakeServiceControl.StartAsync();
        await using GatewayProcess gateway = await StartAsync(
            backend,
            metadata,
            ("PORTCULLIS_KEYS", "servicecontrol"),
            ("PORTCULLIS_SERVICE_CONTROL_URL", serviceControl.BaseAddress.ToString()));

        using var client = new HttpClient();
        HttpResponseMessage ok = await client.GetAsync(new Uri(gateway.Address, "/things/7?key=AIzaSyFakeGoogleKey0000000000000000000"));
        Assert.True(ok.StatusCode == HttpStatusCode.OK, $"{(int)ok.StatusCode} {await ok.Content.ReadAsStringAsync()}\n{gateway.Output()}");
        Assert.True(metadata.AccessTokenRequests > 0, "Service Control was called without an access token from the metadata server");
    }

    [Fact]
    public async Task CallerJwts_RsaEcEd25519_VerifyInTheNativeBinary()
    {
        // IdentityModel (RSA, ECDSA, JWK parsing) and NSec's libsodium (Ed25519) under AOT and trimming.
        IssuerKey rsa = IssuerKey.Rsa(), ec = IssuerKey.Ec("ES384"), ed = IssuerKey.Ed25519();
        await using FakeIssuer issuer = await FakeIssuer.StartAsync(rsa, ec, ed);
        await using EchoBackend backend = await EchoBackend.StartAsync();
        await using FakeMetadataServer metadata = await FakeMetadataServer.StartAsync();
        string configPath = Path.Combine(WorkDirectory, $"jwt-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(configPath, Jwt.JwtConfigs.Shapes.With(issuer.Url).Replace("{backend}", backend.BaseAddress.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal));
        await using GatewayProcess gateway = await StartAsync(backend, metadata, ("PORTCULLIS_CONFIG", configPath));

        using var client = new HttpClient();
        foreach (IssuerKey key in new[] { rsa, ec, ed })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.Address, "/jwt"));
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + issuer.Sign(issuer.Claims(Jwt.JwtConfigs.Audience), key));
            HttpResponseMessage ok = await client.SendAsync(request);
            Assert.True(ok.StatusCode == HttpStatusCode.OK, $"{key.Algorithm}: {(int)ok.StatusCode} {await ok.Content.ReadAsStringAsync()}\n{gateway.Output()}");
        }

        Assert.NotNull(backend.Last!.Header("X-Endpoint-API-UserInfo"));
        HttpResponseMessage missing = await client.GetAsync(new Uri(gateway.Address, "/jwt"));
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Contains("Jwt is missing", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.StartsWith("Bearer realm=", missing.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    private Task<GatewayProcess> StartAsync(EchoBackend backend, FakeMetadataServer metadata, params (string Name, string? Value)[] extra) =>
        GatewayProcess.StartAsync(
            Binary, [], WorkDirectory, backend.BaseAddress, [("K_SERVICE", "portcullis-aot-test"), ("GCE_METADATA_HOST", metadata.HostAndPort), .. extra]);

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Functions.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A running gateway process and everything it printed.</summary>
}
