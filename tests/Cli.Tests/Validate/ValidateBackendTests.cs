namespace Portcullis.Cli.Tests.Validate;

/// <summary><c>--backend</c> on <c>validate</c> and <c>diff</c>: the default backend of configs that name none (issue 18).</summary>
public sealed class ValidateBackendTests : IDisposable
{
    private const string NoBackend = """
        swagger: "2.0"
        info: { title: Echo, version: "1" }
        paths:
          /echo:
            post: { operationId: echo, security: [] }
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("portcullis-validate-").FullName;

    [Fact]
    public async Task Validate_NoBackendNoFlag_ReportsItAndHowToGiveOne()
    {
        string file = Write("a.yaml", NoBackend);

        (int exit, _, string error) = await ConsoleCapture.RunAsync(TimeProvider.System, "validate", file);

        Assert.Equal(1, exit);
        Assert.Contains("POST /echo has no backend", error, StringComparison.Ordinal);
        Assert.Contains("--backend https://", error, StringComparison.Ordinal);
        Assert.Contains("PORTCULLIS_BACKEND=", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_NoBackendWithFlag_IsValid()
    {
        string file = Write("a.yaml", NoBackend);

        (int exit, string output, string error) = await ConsoleCapture.RunAsync(TimeProvider.System, "validate", file, "--backend", "https://echo-abc-uc.a.run.app");

        Assert.True(exit == 0, error);
        Assert.Contains("OK, config", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("echo.example.com")]
    [InlineData("grpc://echo.example.com")]
    public async Task Validate_BadBackendFlag_IsAUsageError(string backend)
    {
        string file = Write("a.yaml", NoBackend);

        (int exit, _, string error) = await ConsoleCapture.RunAsync(TimeProvider.System, "validate", file, "--backend", backend);

        Assert.NotEqual(0, exit);
        Assert.Contains("--backend: backend address", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_WithFlag_ComparesConfigsThatNameNoBackend()
    {
        string before = Write("a.yaml", NoBackend);
        string after = Write("b.yaml", NoBackend.Replace("security: []", "security: [], x-google-backend: { deadline: 30 }", StringComparison.Ordinal));

        (int exit, string output, string error) = await ConsoleCapture.RunAsync(TimeProvider.System, "diff", before, after, "--backend", "https://echo.example.com");

        Assert.True(exit == 0, error);
        Assert.Contains("backend https://echo.example.com/ (AppendPathToAddress, 15 s) → https://echo.example.com/ (AppendPathToAddress, 30 s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_WithFlag_ChecksLocallyFirst_SendsNothingWhenInvalid()
    {
        string file = Write("a.yaml", NoBackend.Replace("/echo:", "/echo/x{y}:", StringComparison.Ordinal));

        (int exit, _, string error) = await ConsoleCapture.RunAsync(
            TimeProvider.System, "deploy", file, "--url", "http://127.0.0.1:9", "--token", "t", "--backend", "https://echo.example.com");

        Assert.Equal(1, exit);
        Assert.Contains("partial-segment", error, StringComparison.Ordinal);
        Assert.Contains("is invalid with --backend https://echo.example.com/; nothing was sent", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_WithFlag_ValidConfig_IsSent()
    {
        string file = Write("a.yaml", NoBackend);

        (int exit, _, string error) = await ConsoleCapture.RunAsync(
            TimeProvider.System, "deploy", file, "--url", "http://127.0.0.1:9", "--token", "t", "--backend", "https://echo.example.com");

        // Port 9 (discard) refuses: the local check passed and the CLI tried to reach the deployer.
        Assert.Equal(2, exit);
        Assert.Contains("cannot reach http://127.0.0.1:9", error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string content)
    {
        string file = Path.Combine(_directory, name);
        File.WriteAllText(file, content);
        return file;
    }
}
