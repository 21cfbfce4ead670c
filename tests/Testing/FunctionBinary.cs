namespace Portcullis.Testing;

/// <summary>
/// A function as the program that is deployed. When <c>PORTCULLIS_TEST_AOT_DIR</c> names a folder
/// holding <c>deploy/publish-aot.sh</c>'s output (<c>Gateway/</c>, <c>ConfigDeployer/</c>; CI sets it),
/// the Native AOT binary the container ships; otherwise the JIT build beside the tests, run with
/// <c>dotnet</c>, so the same tests run in every <c>dotnet test</c>.
/// </summary>
public sealed class FunctionBinary
{
    /// <summary>The folder with the published AOT binaries; unset runs the JIT build.</summary>
    public const string AotDirectoryVariable = "PORTCULLIS_TEST_AOT_DIR";

    private FunctionBinary(string file, IReadOnlyList<string> arguments, bool nativeAot)
    {
        File = file;
        Arguments = arguments;
        NativeAot = nativeAot;
    }

    public string File { get; }

    public IReadOnlyList<string> Arguments { get; }

    public bool NativeAot { get; }

    /// <summary><paramref name="function"/> is <c>Gateway</c> or <c>ConfigDeployer</c>.</summary>
    public static FunctionBinary For(string function)
    {
        string? aot = Environment.GetEnvironmentVariable(AotDirectoryVariable);
        if (!string.IsNullOrEmpty(aot))
        {
            string binary = Path.Combine(aot, function, "Portcullis." + function);
            // Set but missing is a broken CI step, not a reason to test the JIT build instead.
            return System.IO.File.Exists(binary)
                ? new FunctionBinary(binary, [], nativeAot: true)
                : throw new InvalidOperationException($"{AotDirectoryVariable}={aot} but there is no {binary} (run deploy/publish-aot.sh {function} {Path.Combine(aot, function)})");
        }

        string dll = Path.Combine(AppContext.BaseDirectory, $"Portcullis.{function}.dll");
        return System.IO.File.Exists(dll)
            ? new FunctionBinary("dotnet", [dll], nativeAot: false)
            : throw new InvalidOperationException($"no {dll}: the test project must reference the {function} project");
    }

    public override string ToString() => NativeAot ? File + " (Native AOT)" : string.Join(' ', [File, .. Arguments]) + " (JIT)";
}
