namespace Portcullis.Deploy.Tests.Scripts;

/// <summary>The two Cloud Build files: a config push runs no tests; a release tests, builds and deploys what the scripts deploy.</summary>
public sealed class PipelineFileTests
{
    [Theory]
    [InlineData("cloudbuild.yaml")]
    [InlineData("deploy/cloudbuild-release.yaml")]
    public void EverySubstitutionUsed_IsDeclared(string buildFile)
    {
        BuildFile file = BuildFile.Load(buildFile);

        Assert.Subset(file.Substitutions.Keys.ToHashSet(), file.Used.ToHashSet());
    }

    [Fact]
    public void ConfigPipeline_ValidatesAndDeploys_WithTheCliImage_AndRunsNoTestsOrBuilds()
    {
        BuildFile file = BuildFile.Load("cloudbuild.yaml");

        Assert.DoesNotContain("dotnet test", file.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(".ci/run", file.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("dotnet run", file.Text, StringComparison.Ordinal);
        Assert.Contains("args: [validate, \"${_CONFIG}\"]", file.Text, StringComparison.Ordinal);
        Assert.Contains("args: [deploy, \"${_CONFIG}\", --url, \"${_DEPLOYER_URL}\"", file.Text, StringComparison.Ordinal);
        Assert.Contains("/portcullis-cli:latest", file.Text, StringComparison.Ordinal);
        Assert.Contains("logging: CLOUD_LOGGING_ONLY", file.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void ReleasePipeline_TestsInAnImageWithTheAotToolchain_ThenBuildsAndDeploysTheServicesTheScriptsCreated()
    {
        BuildFile file = BuildFile.Load("deploy/cloudbuild-release.yaml");
        string deployScript = RepositoryRoot.Read("deploy/deploy.sh");

        Assert.Contains("name: mcr.microsoft.com/dotnet/sdk:10.0-noble-aot", file.Text, StringComparison.Ordinal);
        Assert.Contains(".ci/run", file.Text, StringComparison.Ordinal);
        Assert.True(File.Exists(RepositoryRoot.File(".ci/run")));
        Assert.Contains("redis-server", RepositoryRoot.Read(".ci/run"), StringComparison.Ordinal);

        // The Dockerfile's FUNCTION argument names a function project.
        foreach (string function in new[] { "Gateway", "ConfigDeployer" })
        {
            Assert.Contains($"FUNCTION={function}", file.Text, StringComparison.Ordinal);
            Assert.True(Directory.Exists(RepositoryRoot.File("functions/" + function)));
        }

        Assert.Contains("-f, deploy/cli.Dockerfile", file.Text, StringComparison.Ordinal);
        Assert.True(File.Exists(RepositoryRoot.File("deploy/cli.Dockerfile")));
        foreach (string image in new[] { "portcullis-gateway", "portcullis-config-deployer" })
        {
            Assert.Contains($"{image}:$BUILD_ID", file.Text, StringComparison.Ordinal);
            Assert.Contains($"$REGISTRY/{image}:latest", deployScript, StringComparison.Ordinal);
            Assert.Contains($"gcloud run deploy {image} --region", file.Text, StringComparison.Ordinal);
        }

        // Rolling order: deployer, then the config through it, then the gateway.
        int deployer = file.Text.IndexOf("id: deploy-deployer", StringComparison.Ordinal);
        int config = file.Text.IndexOf("id: deploy-config", StringComparison.Ordinal);
        int gateway = file.Text.IndexOf("id: deploy-gateway", StringComparison.Ordinal);
        Assert.True(deployer > 0 && deployer < config && config < gateway);
    }

    [Fact]
    public void CliImage_PublishesTheCliProject_AndRunsItAsNonRoot()
    {
        string dockerfile = RepositoryRoot.Read("deploy/cli.Dockerfile");

        Assert.Contains("dotnet publish tools/Cli/Portcullis.Cli.csproj", dockerfile, StringComparison.Ordinal);
        Assert.True(File.Exists(RepositoryRoot.File("tools/Cli/Portcullis.Cli.csproj")));
        Assert.Contains("USER $APP_UID", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"/app/portcullis.dll\"]", dockerfile, StringComparison.Ordinal);
    }
}
