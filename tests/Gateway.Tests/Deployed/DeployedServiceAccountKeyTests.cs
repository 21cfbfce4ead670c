using System.Net;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Deployed;

/// <summary>
/// The deployed program (the Native AOT binary in CI) with a service-account key file
/// (<c>GOOGLE_APPLICATION_CREDENTIALS</c>) instead of the metadata server: Google.Apis.Auth reads the
/// key file and the token endpoint's answer with Newtonsoft.Json by reflection, which trimming can
/// break while the binary still compiles.
/// </summary>
public sealed class DeployedServiceAccountKeyTests
{
    [Fact]
    public async Task IdTokens_FromAServiceAccountKeyFile_ReachTheBackend()
    {
        await using EchoBackend backend = await EchoBackend.StartAsync();
        await using FakeMetadataServer metadata = await FakeMetadataServer.StartAsync();
        await using FakeOAuthTokenEndpoint tokens = await FakeOAuthTokenEndpoint.StartAsync();
        string keyFile = Path.Combine(Directory.CreateTempSubdirectory("portcullis-sa-").FullName, "key.json");
        await File.WriteAllTextAsync(keyFile, tokens.KeyFileJson());
        try
        {
            await using DeployedGateway gateway = await DeployedGateway.StartAsync(
                Configs.Things, backend.BaseAddress, metadata, ("GOOGLE_APPLICATION_CREDENTIALS", keyFile));

            HttpResponseMessage response = await gateway.GetAsync("/things?key=" + TestGateway.ValidKey);

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\nrefused: {string.Join("; ", tokens.Refusals)}\n{gateway.Process.Output()}");
            string audience = backend.BaseAddress.GetLeftPart(UriPartial.Authority);
            string? authorization = Assert.Single(backend.Requests).Header("Authorization");
            Assert.NotNull(authorization);
            Assert.True(tokens.TryValidateIdToken(authorization["Bearer ".Length..], audience, out string? error), error);
            Assert.Contains("id_token:" + audience, tokens.Grants);
            Assert.Empty(metadata.IdentityRequests);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(keyFile)!, recursive: true);
        }
    }
}
