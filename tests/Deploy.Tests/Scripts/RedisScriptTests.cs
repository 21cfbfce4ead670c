namespace Portcullis.Deploy.Tests.Scripts;

/// <summary><c>deploy/redis.sh</c> against a fake gcloud: Memorystore, a VPC connector, and the two values deploy.sh takes.</summary>
public sealed class RedisScriptTests : IDisposable
{
    private readonly FakeGcloud _gcloud = new();

    public void Dispose() => _gcloud.Dispose();

    [Fact]
    public void Redis_CreatesTheInstanceAndConnector_AndPrintsWhatDeployTakes()
    {
        ScriptRun run = _gcloud.Run("deploy/redis.sh", new Dictionary<string, string> { ["PROJECT"] = "demo-proj", ["REGION"] = "europe-west1" });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(run.Where("services", "enable"), c => c.Args.Contains("redis.googleapis.com") && c.Args.Contains("vpcaccess.googleapis.com"));
        GcloudCall instance = run.Single("redis", "instances", "create");
        GcloudCall connector = run.Single("compute", "networks", "vpc-access", "connectors", "create");
        Assert.Equal(instance.Flag("--network"), connector.Flag("--network"));
        Assert.Equal("europe-west1", instance.Flag("--region"));
        Assert.Equal("europe-west1", connector.Flag("--region"));
        Assert.Contains("REDIS=10.0.0.3:6379", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("VPC_CONNECTOR=portcullis-connector", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("portcullis-connector", connector.Args[5]);
    }
}
