using Microsoft.Extensions.Configuration;
using Portcullis.ConfigDeployer;
using Portcullis.Gateway;

namespace Portcullis.Deploy.Tests.Scripts;

/// <summary>
/// <c>deploy/deploy.sh</c> against a fake gcloud. The environment each function is deployed with
/// is handed to the functions' own option readers (<see cref="DeployerOptions"/>,
/// <see cref="GatewayOptions"/>), so a variable the code requires and the script forgets fails here.
/// </summary>
public sealed class DeployScriptTests : IDisposable
{
    private const string Project = "demo-proj";
    private const string Region = "europe-west1";
    private const string DeterministicUrl = "https://portcullis-config-deployer-123456789012.europe-west1.run.app";
    private const string BuildSa = "portcullis-build@demo-proj.iam.gserviceaccount.com";
    private const string Registry = "europe-west1-docker.pkg.dev/demo-proj/portcullis";

    private readonly FakeGcloud _gcloud = new();

    public void Dispose() => _gcloud.Dispose();

    private ScriptRun Run(params (string Name, string Value)[] extra)
    {
        var variables = new Dictionary<string, string>
        {
            ["PROJECT"] = Project,
            ["REGION"] = Region,
            ["CONFIG"] = "openapi/openapi.yaml",
            ["FAKE_DEPLOYER_URL"] = DeterministicUrl,
        };
        foreach ((string name, string value) in extra)
        {
            variables[name] = value;
        }

        ScriptRun run = _gcloud.Run("deploy/deploy.sh", variables);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run;
    }

    /// <summary>The function's settings as Cloud Run gives them: the env vars, plus K_SERVICE and PORT.</summary>
    private static IConfiguration CloudRunEnvironment(GcloudCall deploy, string service) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(deploy.Pairs("--set-env-vars").Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value)))
            .AddInMemoryCollection([new("K_SERVICE", service), new("PORT", "8080")])
            .Build();

    [Fact]
    public void Deployer_IsDeployedWithEverySettingItRequires_AndItsAudienceIsTheUrlItIsCalledAt()
    {
        ScriptRun run = Run();

        GcloudCall deploy = run.Single("run", "deploy", "portcullis-config-deployer");
        DeployerOptions options = DeployerOptions.FromConfiguration(CloudRunEnvironment(deploy, "portcullis-config-deployer"));
        Assert.Equal(DeterministicUrl, options.Audience);
        Assert.Equal("sm://projects/demo-proj/secrets/portcullis-config", options.ConfigStore);
        Assert.Equal([BuildSa], options.Deployers);
        Assert.Equal(Project, deploy.Pairs("--set-env-vars")["GOOGLE_CLOUD_PROJECT"]);

        Assert.Equal("portcullis-deployer@demo-proj.iam.gserviceaccount.com", deploy.Flag("--service-account"));
        Assert.True(deploy.HasFlag("--no-allow-unauthenticated"));
        Assert.False(deploy.HasFlag("--allow-unauthenticated"));
        Assert.Equal(Registry + "/portcullis-config-deployer:latest", deploy.Flag("--image"));
        Assert.Empty(run.Where("run", "services", "update"));

        // The config pipeline calls the deployer at that URL, as the account the deployer allows.
        GcloudCall config = run.Where("builds", "submit").Single(c => c.Flag("--config") == "cloudbuild.yaml");
        Assert.Equal(DeterministicUrl, config.Pairs("--substitutions")["_DEPLOYER_URL"]);
        Assert.Equal("projects/demo-proj/serviceAccounts/" + BuildSa, config.Flag("--service-account"));
        Assert.Contains(("run services", "portcullis-config-deployer", "serviceAccount:" + BuildSa, "roles/run.invoker"), run.Bindings());
    }

    [Fact]
    public void Deployer_WithoutTheDeterministicUrl_TakesTheUrlItGot_AsAudienceAndForThePipeline()
    {
        const string hashUrl = "https://portcullis-config-deployer-x7abc2-ew.a.run.app";
        ScriptRun run = Run(("FAKE_DEPLOYER_URL", hashUrl));

        GcloudCall update = run.Single("run", "services", "update", "portcullis-config-deployer");
        Assert.Equal(hashUrl, update.Pairs("--update-env-vars")["PORTCULLIS_AUDIENCE"]);
        GcloudCall config = run.Where("builds", "submit").Single(c => c.Flag("--config") == "cloudbuild.yaml");
        Assert.Equal(hashUrl, config.Pairs("--substitutions")["_DEPLOYER_URL"]);
        Assert.True(update.Index < config.Index);
    }

    [Fact]
    public void Gateway_IsDeployedPublic_ReadingTheDeployersStoreAndTheKeyring_AfterTheFirstConfig()
    {
        ScriptRun run = Run();

        GcloudCall gateway = run.Single("run", "deploy", "portcullis-gateway");
        GatewayOptions options = GatewayOptions.FromConfiguration(CloudRunEnvironment(gateway, "portcullis-gateway"));
        DeployerOptions deployer = DeployerOptions.FromConfiguration(CloudRunEnvironment(run.Single("run", "deploy", "portcullis-config-deployer"), "d"));
        Assert.Equal(deployer.ConfigStore, options.ConfigPath);
        Assert.Equal(KeysMode.SecretManager, options.KeysMode);
        Assert.Equal("sm://projects/demo-proj/secrets/portcullis-keyring", options.KeysPath);
        Assert.True(options.BackendAuth);
        Assert.False(options.FailOpen);
        Assert.Equal(Project, gateway.Pairs("--set-env-vars")["GOOGLE_CLOUD_PROJECT"]);

        Assert.True(gateway.HasFlag("--allow-unauthenticated"));
        Assert.Equal("portcullis-gateway@demo-proj.iam.gserviceaccount.com", gateway.Flag("--service-account"));
        Assert.Equal(Registry + "/portcullis-gateway:latest", gateway.Flag("--image"));

        // A gateway without a config does not start: the first config is deployed before it.
        GcloudCall config = run.Where("builds", "submit").Single(c => c.Flag("--config") == "cloudbuild.yaml");
        Assert.True(config.Index < gateway.Index);
        Assert.Contains("https://portcullis-gateway-123456789012.europe-west1.run.app", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Images_AreBuiltByTheReleasePipeline_WithoutDeploying_BeforeAnyService()
    {
        ScriptRun run = Run();

        GcloudCall images = run.Where("builds", "submit").Single(c => c.Flag("--config") == "deploy/cloudbuild-release.yaml");
        IReadOnlyDictionary<string, string> substitutions = images.Pairs("--substitutions");
        Assert.Equal("false", substitutions["_DEPLOY"]);
        Assert.Equal("true", substitutions["_RUN_TESTS"]);
        Assert.Equal("openapi/openapi.yaml", substitutions["_CONFIG"]);
        Assert.Equal("projects/demo-proj/serviceAccounts/" + BuildSa, images.Flag("--service-account"));
        Assert.Equal("gs://demo-proj-portcullis-build/source", images.Flag("--gcs-source-staging-dir"));
        Assert.True(images.Index < run.Single("run", "deploy", "portcullis-config-deployer").Index);
        Assert.All(run.Where("builds", "submit"), c => Assert.Equal(Region, c.Flag("--region")));
    }

    [Fact]
    public void Pipelines_MayRollOutNewRevisions_OfBothServices()
    {
        ScriptRun run = Run();
        var bindings = run.Bindings().ToList();

        Assert.Contains(("run services", "portcullis-gateway", "serviceAccount:" + BuildSa, "roles/run.developer"), bindings);
        Assert.Contains(("run services", "portcullis-config-deployer", "serviceAccount:" + BuildSa, "roles/run.developer"), bindings);
        Assert.DoesNotContain(bindings, b => b.Role == "roles/run.admin");
    }

    [Fact]
    public void BackendServices_EachLetTheGatewayInvokeThem()
    {
        ScriptRun run = Run(("BACKEND_SERVICES", "orders,billing"));

        var invokers = run.Bindings().Where(b => b.Role == "roles/run.invoker" && b.Member == "serviceAccount:portcullis-gateway@demo-proj.iam.gserviceaccount.com").Select(b => b.Resource).ToList();
        Assert.Equal(["orders", "billing"], invokers);
    }

    [Fact]
    public void ServiceControlMode_GatewayChecksGoogleApiKeys_ForTheNamedService()
    {
        ScriptRun run = Run(("KEY_MODE", "servicecontrol"), ("SERVICE_NAME", "my-api.endpoints.demo-proj.cloud.goog"));

        GcloudCall gateway = run.Single("run", "deploy", "portcullis-gateway");
        GatewayOptions options = GatewayOptions.FromConfiguration(CloudRunEnvironment(gateway, "portcullis-gateway"));
        Assert.Equal(KeysMode.ServiceControl, options.KeysMode);
        Assert.Equal("my-api.endpoints.demo-proj.cloud.goog", options.ServiceName);
    }

    [Fact]
    public void Redis_GatewayGetsTheAddress_AndTheVpcConnectorToReachIt()
    {
        ScriptRun run = Run(("REDIS", "10.0.0.3:6379"), ("VPC_CONNECTOR", "portcullis-connector"));

        GcloudCall gateway = run.Single("run", "deploy", "portcullis-gateway");
        Assert.Equal("10.0.0.3:6379", GatewayOptions.FromConfiguration(CloudRunEnvironment(gateway, "portcullis-gateway")).Redis);
        Assert.Equal("portcullis-connector", gateway.Flag("--vpc-connector"));
        Assert.Equal("private-ranges-only", gateway.Flag("--vpc-egress"));
    }

    [Fact]
    public void MissingConfigFile_StopsBeforeAnyBuild()
    {
        var variables = new Dictionary<string, string> { ["PROJECT"] = Project, ["REGION"] = Region, ["CONFIG"] = "api/does-not-exist.yaml" };

        ScriptRun run = _gcloud.Run("deploy/deploy.sh", variables);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Where("builds", "submit"));
        Assert.Contains("api/does-not-exist.yaml", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingProject_StopsWithoutCallingGcloud()
    {
        ScriptRun run = _gcloud.Run("deploy/deploy.sh", new Dictionary<string, string> { ["REGION"] = Region });

        Assert.NotEqual(0, run.ExitCode);
        Assert.Empty(run.Calls);
        Assert.Contains("PROJECT", run.Stderr, StringComparison.Ordinal);
    }
}
