using Portcullis.PolicyEngine.Keys;

namespace Portcullis.Deploy.Tests.Scripts;

/// <summary><c>deploy/setup.sh</c> against a fake gcloud: the APIs, accounts, roles and secrets a deploy needs.</summary>
public sealed class SetupScriptTests : IDisposable
{
    private const string Project = "demo-proj";
    private const string Gateway = "serviceAccount:portcullis-gateway@demo-proj.iam.gserviceaccount.com";
    private const string Deployer = "serviceAccount:portcullis-deployer@demo-proj.iam.gserviceaccount.com";
    private const string Build = "serviceAccount:portcullis-build@demo-proj.iam.gserviceaccount.com";
    private const string Operator = "user:alice@example.com";
    private const string Reader = "projects/demo-proj/roles/portcullisSecretReader";
    private const string Writer = "projects/demo-proj/roles/portcullisSecretWriter";

    private readonly FakeGcloud _gcloud = new();

    public void Dispose() => _gcloud.Dispose();

    private ScriptRun Run(params (string Name, string Value)[] extra)
    {
        var variables = new Dictionary<string, string> { ["PROJECT"] = Project, ["REGION"] = "europe-west1" };
        foreach ((string name, string value) in extra)
        {
            variables[name] = value;
        }

        ScriptRun run = _gcloud.Run("deploy/setup.sh", variables);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run;
    }

    [Fact]
    public void Setup_EnablesEveryApiTheDeployCalls()
    {
        ScriptRun run = Run();

        HashSet<string> apis = run.Where("services", "enable").SelectMany(c => c.Args.Skip(2).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal))).ToHashSet();
        Assert.Superset(
            new HashSet<string> { "run.googleapis.com", "cloudbuild.googleapis.com", "artifactregistry.googleapis.com", "secretmanager.googleapis.com", "iam.googleapis.com", "iamcredentials.googleapis.com" },
            apis);
        Assert.DoesNotContain("servicecontrol.googleapis.com", apis);
    }

    [Fact]
    public void Setup_CreatesOneServiceAccountPerFunctionAndOneForTheBuilds()
    {
        ScriptRun run = Run();

        Assert.Equal(
            ["portcullis-build", "portcullis-deployer", "portcullis-gateway"],
            run.Where("iam", "service-accounts", "create").Select(c => c.Args[3]).Order());
    }

    [Fact]
    public void Setup_SecretRoles_AreCustom_WithExactlyThePermissionsTheStoresUse()
    {
        ScriptRun run = Run();

        Dictionary<string, string[]> roles = run.Where("iam", "roles", "create")
            .ToDictionary(c => c.Args[3], c => c.Flag("--permissions")!.Split(',').Order().ToArray());
        // SecretManagerConfigStore / SecretManagerKeyringStore: GetSecret (aliases) + access to read;
        // addVersion, PATCH versionAliases, list and disable versions to write.
        Assert.Equal(["secretmanager.secrets.get", "secretmanager.versions.access"], roles["portcullisSecretReader"]);
        Assert.Equal(
            ["secretmanager.secrets.get", "secretmanager.secrets.update", "secretmanager.versions.access", "secretmanager.versions.add", "secretmanager.versions.disable", "secretmanager.versions.list"],
            roles["portcullisSecretWriter"]);
    }

    [Fact]
    public void Setup_GrantsEachPrincipalOnlyWhatItUses_OnSingleSecrets()
    {
        ScriptRun run = Run();
        var bindings = run.Bindings().ToList();

        Assert.Contains(("secrets", "portcullis-config", Gateway, Reader), bindings);
        Assert.Contains(("secrets", "portcullis-keyring", Gateway, Reader), bindings);
        Assert.Contains(("secrets", "portcullis-config", Deployer, Writer), bindings);
        Assert.Contains(("secrets", "portcullis-keyring", Operator, Writer), bindings);
        Assert.DoesNotContain(bindings, b => b.Member == Deployer && b.Resource == "portcullis-keyring");
        Assert.DoesNotContain(bindings, b => b.Member == Gateway && b.Role == Writer);

        // None of Portcullis's own principals gets an admin role or a project-wide secret role.
        Assert.DoesNotContain(bindings, b => b.Member is Gateway or Deployer or Build or Operator && b.Role.EndsWith(".admin", StringComparison.Ordinal));
        Assert.DoesNotContain(bindings, b => b.Kind == "projects" && b.Role.Contains("secretmanager", StringComparison.Ordinal) && b.Member != "serviceAccount:service-123456789012@gcp-sa-cloudbuild.iam.gserviceaccount.com");
    }

    [Fact]
    public void Setup_BuildServiceAccount_CanLog_Push_ReadItsSource_ActAsTheFunctions_AndMintItsIdToken()
    {
        ScriptRun run = Run();
        var bindings = run.Bindings().ToList();

        Assert.Contains(("projects", Project, Build, "roles/logging.logWriter"), bindings);
        Assert.Contains(("artifacts repositories", "portcullis", Build, "roles/artifactregistry.writer"), bindings);
        Assert.Contains(("storage buckets", "gs://demo-proj-portcullis-build", Build, "roles/storage.objectViewer"), bindings);
        Assert.Contains(("iam service-accounts", "portcullis-gateway@demo-proj.iam.gserviceaccount.com", Build, "roles/iam.serviceAccountUser"), bindings);
        Assert.Contains(("iam service-accounts", "portcullis-deployer@demo-proj.iam.gserviceaccount.com", Build, "roles/iam.serviceAccountUser"), bindings);
        Assert.Contains(("iam service-accounts", "portcullis-build@demo-proj.iam.gserviceaccount.com", Build, "roles/iam.serviceAccountOpenIdTokenCreator"), bindings);
        // Whoever runs the set-up submits builds and creates triggers that run as the build's account.
        Assert.Contains(("iam service-accounts", "portcullis-build@demo-proj.iam.gserviceaccount.com", Operator, "roles/iam.serviceAccountUser"), bindings);
    }

    [Fact]
    public void Setup_KeyringGetsAFirstVersion_ThatTheGatewayParses_AndTheCurrentAlias()
    {
        ScriptRun run = Run();

        GcloudCall add = run.Single("secrets", "versions", "add");
        Assert.Equal("portcullis-keyring", add.Args[3]);
        string? payload = run.Stdin(add.Index);
        Assert.NotNull(payload);
        Keyring? keyring = Keyring.TryParse(payload, out IReadOnlyList<string> errors);
        Assert.True(keyring is not null, string.Join("; ", errors));
        Assert.Equal(0, keyring.Count);

        GcloudCall alias = run.Single("secrets", "update");
        Assert.Equal("portcullis-keyring", alias.Args[2]);
        Assert.Equal("current=1", alias.Flag("--update-version-aliases"));
        Assert.True(alias.Index > add.Index);
    }

    [Fact]
    public void Setup_RunAgain_CreatesNothingTwice_AndKeepsTheKeyring()
    {
        ScriptRun run = Run(("FAKE_EXISTS", "1"));

        Assert.DoesNotContain(run.Calls, c => c.Args.Contains("create"));
        Assert.Empty(run.Where("secrets", "versions", "add"));
        Assert.NotEmpty(run.Bindings());
    }

    [Fact]
    public void Setup_ServiceControlMode_EnablesServiceControl_AndGrantsTheGatewayServiceController()
    {
        ScriptRun run = Run(("KEY_MODE", "servicecontrol"), ("SERVICE_NAME", "my-api.endpoints.demo-proj.cloud.goog"));

        Assert.Contains(run.Where("services", "enable"), c => c.Args.Contains("servicecontrol.googleapis.com"));
        Assert.Contains(("endpoints services", "my-api.endpoints.demo-proj.cloud.goog", Gateway, "roles/servicemanagement.serviceController"), run.Bindings());
    }

    [Fact]
    public void Setup_EveryCallNamesTheProject()
    {
        ScriptRun run = Run();

        Assert.All(
            run.Calls.Where(c => !c.Is("config", "get-value") && !c.Is("storage", "buckets", "add-iam-policy-binding")),
            c => Assert.True(c.Flag("--project") == Project || c.Args.Contains(Project), c.ToString()));
    }
}
