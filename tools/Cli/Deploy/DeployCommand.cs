using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Portcullis.GoogleCloud.IdTokens;
using Portcullis.PolicyEngine.Diff;

namespace Portcullis.Cli.Deploy;

/// <summary>
/// <c>portcullis deploy FILE --url URL</c>: posts a config to the ConfigDeployer with a Google ID
/// token for the deployer's URL (from <c>--token</c>, <c>PORTCULLIS_ID_TOKEN</c>, or the
/// application-default credentials / metadata server), prints the diff, and fails on rejection.
/// </summary>
internal static class DeployCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "OpenAPI config to deploy" };
        var url = new Option<string>("--url") { Description = "The ConfigDeployer's URL (also the ID-token audience)", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Validate and diff only; store nothing" };
        var allowDowngrade = new Option<bool>("--allow-downgrade") { Description = "Accept changes that weaken protection" };
        var token = new Option<string?>("--token") { Description = "ID token to use instead of minting one" };
        var audience = new Option<string?>("--audience") { Description = "ID-token audience when it is not the URL's origin (the deployer's PORTCULLIS_AUDIENCE)" };
        Option<Uri?> backend = Validate.BackendOption.Create();
        backend.Description = "Check the config locally with this default backend before sending it (the deployer and the gateways use their own PORTCULLIS_BACKEND)";
        var command = new Command("deploy", "Deploy a config through the ConfigDeployer.") { file, url, dryRun, allowDowngrade, token, audience, backend };
        command.SetAction((result, ct) => RunAsync(
            result.GetValue(file)!, result.GetValue(url)!, result.GetValue(dryRun), result.GetValue(allowDowngrade), result.GetValue(token), result.GetValue(audience), result.GetValue(backend), ct));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo file, string urlText, bool dryRun, bool allowDowngrade, string? token, string? audienceOverride, Uri? defaultBackend, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            await Console.Error.WriteLineAsync($"portcullis deploy: {file} not found").ConfigureAwait(false);
            return 2;
        }

        // The default backend lives in the gateways' environment (as ESPv2's --backend does), so the
        // deployer judges the config with its own PORTCULLIS_BACKEND; --backend only checks it here first.
        if (defaultBackend is not null && DiffCommand.Compile(file, new PolicyEngine.Compilation.CompileOptions { DefaultBackend = defaultBackend })?.Policy is null)
        {
            await Console.Error.WriteLineAsync($"portcullis deploy: {file} is invalid with --backend {defaultBackend}; nothing was sent").ConfigureAwait(false);
            return 1;
        }

        if (!Uri.TryCreate(urlText, UriKind.Absolute, out Uri? url) || url.Scheme is not ("http" or "https"))
        {
            await Console.Error.WriteLineAsync($"portcullis deploy: --url must be the deployer's http(s) URL, not '{urlText}'").ConfigureAwait(false);
            return 2;
        }

        string origin = url.GetLeftPart(UriPartial.Authority);
        string audience = audienceOverride ?? origin;
        token ??= Environment.GetEnvironmentVariable("PORTCULLIS_ID_TOKEN");
        if (string.IsNullOrEmpty(token))
        {
            try
            {
                token = await new GoogleIdTokenSource(TimeSpan.FromSeconds(30)).GetTokenAsync(audience, cancellationToken).ConfigureAwait(false);
            }
            catch (IdTokenUnavailableException e)
            {
                await Console.Error.WriteLineAsync($"portcullis deploy: no ID token for {audience}: {e.Message}. Pass --token \"$(gcloud auth print-identity-token --audiences={audience})\".").ConfigureAwait(false);
                return 2;
            }
        }

        string query = (dryRun ? "?dryRun=true" : "?dryRun=false") + (allowDowngrade ? "&allowDowngrade=true" : "");
        using var http = new HttpClient { BaseAddress = new Uri(origin + "/"), Timeout = TimeSpan.FromMinutes(2) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/configs" + query)
        {
            Content = new StringContent(await File.ReadAllTextAsync(file.FullName, cancellationToken).ConfigureAwait(false), Encoding.UTF8, "application/yaml"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            await Console.Error.WriteLineAsync($"portcullis deploy: cannot reach {origin}: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonDocument body;
        try
        {
            body = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            // Not the deployer's JSON: Cloud Run's front end refused the call first (an HTML 401/403
            // when the caller lacks roles/run.invoker or the token's audience is not the service).
            string start = text.Length > 200 ? text[..200] + "…" : text;
            await Console.Error.WriteLineAsync($"portcullis deploy: {origin} answered {(int)response.StatusCode} without the deployer's JSON (Cloud Run refuses callers without roles/run.invoker on the service, or with an ID token for another audience): {start}").ConfigureAwait(false);
            return 1;
        }

        using JsonDocument disposeBody = body;
        JsonElement root = body.RootElement;
        if (!response.IsSuccessStatusCode)
        {
            await Console.Error.WriteLineAsync($"portcullis deploy: refused ({(int)response.StatusCode}): {root.GetProperty("message").GetString()}").ConfigureAwait(false);
            foreach (JsonElement d in Items(root, "diagnostics"))
            {
                await Console.Error.WriteLineAsync($"{file}:{d.GetProperty("line").GetInt32()}:{d.GetProperty("column").GetInt32()}: {d.GetProperty("severity").GetString()}: {d.GetProperty("message").GetString()} (at {d.GetProperty("pointer").GetString()})").ConfigureAwait(false);
            }

            DiffCommand.Print(Changes(root, "downgrades"), Console.Error);
            return 1;
        }

        DiffCommand.Print(Changes(root, "diff"), Console.Out);
        string version = root.TryGetProperty("version", out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "-";
        string what = root.GetProperty("dryRun").GetBoolean() ? "Dry run OK (nothing stored)"
            : root.GetProperty("unchanged").GetBoolean() ? $"Unchanged: version {version} is already live"
            : $"Deployed version {version}, live now";
        Console.WriteLine($"{what}; config {root.GetProperty("configId").GetString()}.");
        return 0;
    }

    private static IEnumerable<JsonElement> Items(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement array) && array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : [];

    private static IEnumerable<ConfigChange> Changes(JsonElement root, string name) =>
        Items(root, name).Select(c => new ConfigChange(
            Enum.Parse<ChangeKind>(c.GetProperty("kind").GetString()!, ignoreCase: true),
            c.GetProperty("operation").GetString()!,
            c.GetProperty("detail").GetString()!,
            c.GetProperty("downgrade").GetBoolean()));
}
