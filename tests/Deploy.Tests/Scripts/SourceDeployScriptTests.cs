using Microsoft.Extensions.Configuration;
using Portcullis.ConfigDeployer;
using Portcullis.Gateway;

namespace Portcullis.Deploy.Tests.Scripts;

/// <summary><c>deploy/deploy-source.sh</c> (buildpack path) against a fake gcloud and a fake portcullis CLI.</summary>
public sealed class SourceDeployScriptTests : IDisposable
{
    private const string DeterministicUrl = "https://portcullis-config-deployer-123456789012.europe-west1.run.app";
    private const string BuildSa = "portcullis-build@demo-proj.iam.gserviceaccount.com";

    private readonly FakeGcloud _gcloud = new();

    public void Dispose() => _gcloud.Dispose();

    private ScriptRun Run(string deployerUrl = DeterministicUrl)
    {
        ScriptRun run = _gcloud.Run("deploy/deploy-source.sh", new Dictionary<string, string>
        {
            ["PROJECT"] = "demo-proj",
            ["REGION"] = "europe-west1",
            ["CONFIG"] = "openapi/openapi.yaml",
            ["BACKEND_SERVICES"] = "orders",
            ["FAKE_DEPLOYER_URL"] = deployerUrl,
        });
        Assert.True(run.ExitCode == 0, run.ToString());
        return run;
    }

    private static IConfiguration Environment(GcloudCall deploy) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(deploy.Pairs("--set-env-vars").Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value)))
            .AddInMemoryCollection([new("K_SERVICE", "function")])
            .Build();

    [Fact]
    public void Functions_AreBuiltFromTheirProjects_WithEverySettingTheyRequire()
    {
        ScriptRun run = Run();

        GcloudCall deployer = run.Where("functions", "deploy", "portcullis-config-deployer").First();
        DeployerOptions options = DeployerOptions.FromConfiguration(Environment(deployer));
        Assert.Equal(DeterministicUrl, options.Audience);
        Assert.Equal([BuildSa], options.Deployers);
        Assert.Equal("Portcullis.ConfigDeployer", deployer.Flag("--entry-point"));
        Assert.True(deployer.HasFlag("--no-allow-unauthenticated"));

        GcloudCall gateway = run.Single("functions", "deploy", "portcullis-gateway");
        GatewayOptions gatewayOptions = GatewayOptions.FromConfiguration(Environment(gateway));
        Assert.Equal(options.ConfigStore, gatewayOptions.ConfigPath);
        Assert.Equal("sm://projects/demo-proj/secrets/portcullis-keyring", gatewayOptions.KeysPath);
        Assert.True(gateway.HasFlag("--allow-unauthenticated"));

        foreach (GcloudCall build in new[] { deployer, gateway })
        {
            Assert.Equal("dotnet10", build.Flag("--runtime"));
            string project = build.Pairs("--set-build-env-vars")["GOOGLE_BUILDABLE"];
            Assert.True(Directory.Exists(RepositoryRoot.File(project)), project);
            Assert.Single(Directory.GetFiles(RepositoryRoot.File(project), "*.csproj"));
        }
    }

    [Fact]
    public void FirstConfig_IsDeployedAsTheBuildAccount_ToTheDeployersAudience_BeforeTheGateway()
    {
        ScriptRun run = Run();

        GcloudCall token = run.Single("auth", "print-identity-token");
        Assert.Equal(BuildSa, token.Flag("--impersonate-service-account"));
        Assert.Equal(DeterministicUrl, token.Flag("--audiences"));
        Assert.True(token.HasFlag("--include-email"));

        GcloudCall deploy = run.Single("@portcullis", "deploy");
        Assert.Equal("openapi/openapi.yaml", deploy.Args[2]);
        Assert.Equal(DeterministicUrl, deploy.Flag("--url"));
        Assert.Equal("fake-id-token", deploy.Flag("--token"));
        Assert.Contains(("functions", "portcullis-config-deployer", "serviceAccount:" + BuildSa, ""), run.Calls
            .Where(c => c.Is("functions", "add-invoker-policy-binding"))
            .Select(c => (c.Args[0], c.Args[2], c.Flag("--member") ?? "", c.Flag("--role") ?? "")));
        Assert.True(deploy.Index < run.Single("functions", "deploy", "portcullis-gateway").Index);
        Assert.Contains(("run services", "orders", "serviceAccount:portcullis-gateway@demo-proj.iam.gserviceaccount.com", "roles/run.invoker"), run.Bindings());
    }

    [Fact]
    public void DeployerUrlThatIsNotTheDeterministicOne_BecomesItsAudience()
    {
        const string other = "https://portcullis-config-deployer-x7abc2-ew.a.run.app";
        ScriptRun run = Run(other);

        GcloudCall update = run.Where("functions", "deploy", "portcullis-config-deployer").Last();
        Assert.Equal(other, update.Pairs("--update-env-vars")["PORTCULLIS_AUDIENCE"]);
        Assert.Equal(other, run.Single("@portcullis", "deploy").Flag("--url"));
    }
}
