namespace Portcullis.Deploy.Tests.Scripts;

/// <summary><c>deploy/triggers.sh</c> against a fake gcloud: a fast config trigger and a release trigger.</summary>
public sealed class TriggersScriptTests : IDisposable
{
    private const string DeployerUrl = "https://portcullis-config-deployer-123456789012.europe-west1.run.app";

    private readonly FakeGcloud _gcloud = new();

    public void Dispose() => _gcloud.Dispose();

    private ScriptRun Run()
    {
        ScriptRun run = _gcloud.Run("deploy/triggers.sh", new Dictionary<string, string>
        {
            ["PROJECT"] = "demo-proj",
            ["REGION"] = "europe-west1",
            ["CONFIG"] = "api/openapi.yaml",
            ["GITHUB_REPO"] = "acme/payments-api",
            ["FAKE_DEPLOYER_URL"] = DeployerUrl,
        });
        Assert.True(run.ExitCode == 0, run.ToString());
        return run;
    }

    [Fact]
    public void ConfigTrigger_RunsTheConfigPipeline_OnlyWhenTheConfigChanges()
    {
        ScriptRun run = Run();

        GcloudCall trigger = run.Where("builds", "triggers", "create", "github").Single(c => c.Flag("--name") == "portcullis-config");
        Assert.Equal("cloudbuild.yaml", trigger.Flag("--build-config"));
        Assert.Equal("api/openapi.yaml", trigger.Flag("--included-files"));
        Assert.Equal(DeployerUrl, trigger.Pairs("--substitutions")["_DEPLOYER_URL"]);
        Assert.Equal("api/openapi.yaml", trigger.Pairs("--substitutions")["_CONFIG"]);
        Assert.Equal("projects/demo-proj/serviceAccounts/portcullis-build@demo-proj.iam.gserviceaccount.com", trigger.Flag("--service-account"));
        Assert.Equal("projects/demo-proj/locations/europe-west1/connections/portcullis-github/repositories/payments-api", trigger.Flag("--repository"));
        Assert.Equal("^main$", trigger.Flag("--branch-pattern"));
    }

    [Fact]
    public void ReleaseTrigger_RunsTestsAndDeploys_ForEveryOtherChange()
    {
        ScriptRun run = Run();

        GcloudCall trigger = run.Where("builds", "triggers", "create", "github").Single(c => c.Flag("--name") == "portcullis-release");
        Assert.Equal("deploy/cloudbuild-release.yaml", trigger.Flag("--build-config"));
        Assert.Equal("api/openapi.yaml", trigger.Flag("--ignored-files"));
        Assert.Equal("true", trigger.Pairs("--substitutions")["_RUN_TESTS"]);
        Assert.Equal("true", trigger.Pairs("--substitutions")["_DEPLOY"]);
        Assert.Equal("projects/demo-proj/serviceAccounts/portcullis-build@demo-proj.iam.gserviceaccount.com", trigger.Flag("--service-account"));
    }

    [Fact]
    public void Repository_IsLinkedToTheConnection_BeforeTheTriggers()
    {
        ScriptRun run = Run();

        GcloudCall link = run.Single("builds", "repositories", "create");
        Assert.Equal("https://github.com/acme/payments-api.git", link.Flag("--remote-uri"));
        Assert.Equal("portcullis-github", link.Flag("--connection"));
        Assert.All(run.Where("builds", "triggers", "create"), t => Assert.True(t.Index > link.Index));
    }

    [Theory]
    [InlineData("portcullis-config", "cloudbuild.yaml")]
    [InlineData("portcullis-release", "deploy/cloudbuild-release.yaml")]
    public void TriggerSubstitutions_AreExactlyTheOnesItsBuildFileDeclares(string name, string buildFile)
    {
        ScriptRun run = Run();

        GcloudCall trigger = run.Where("builds", "triggers", "create", "github").Single(c => c.Flag("--name") == name);
        BuildFile file = BuildFile.Load(buildFile);
        Assert.Equal(file.Substitutions.Keys.Order(), trigger.Pairs("--substitutions").Keys.Order());
    }
}
