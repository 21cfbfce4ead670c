namespace Portcullis.Cli.Tests.Validate;

public sealed class ValidateCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("portcullis-validate-").FullName;

    [Fact]
    public async Task Validate_ValidConfig_ExitsZeroAndSummarizes()
    {
        string file = Write("""
            swagger: "2.0"
            info: { title: T, version: "1" }
            x-google-backend: { address: "https://b.example.com" }
            paths:
              /a:
                get: { operationId: a }
            """);

        (int exit, string output, _) = await ConsoleCapture.RunAsync(TimeProvider.System, "validate", file);

        Assert.Equal(0, exit);
        Assert.Contains("OK, config", output, StringComparison.Ordinal);
        Assert.Contains("1 operations", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_InvalidConfig_ListsEveryErrorWithLineAndExitsOne()
    {
        string file = Write("""
            swagger: "2.0"
            info: { title: T, version: "1" }
            x-google-backend: { address: "https://b.example.com" }
            paths:
              /a:
                get:
                  operationId: a
                  security: [{ nope: [] }]
              /b/x{y}:
                get: { operationId: b }
            """);

        (int exit, _, string error) = await ConsoleCapture.RunAsync(TimeProvider.System, "validate", file);

        Assert.Equal(1, exit);
        Assert.Contains($"{file}:8:", error, StringComparison.Ordinal);
        Assert.Contains("'nope'", error, StringComparison.Ordinal);
        Assert.Contains($"{file}:10:", error, StringComparison.Ordinal);
        Assert.Contains("invalid (2 errors)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_MissingFile_ExitsNonZero()
    {
        (int exit, _, string error) = await ConsoleCapture.RunAsync(TimeProvider.System, "validate", Path.Combine(_directory, "none.yaml"));

        Assert.NotEqual(0, exit);
        Assert.Contains("cannot read", error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string content)
    {
        string file = Path.Combine(_directory, "openapi.yaml");
        File.WriteAllText(file, content);
        return file;
    }
}
