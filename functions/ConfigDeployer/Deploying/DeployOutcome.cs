using Portcullis.ConfigDeployer.Api;

namespace Portcullis.ConfigDeployer.Deploying;

/// <summary>A deploy's answer: an HTTP status with a success body or an error body.</summary>
internal sealed record DeployOutcome(int Status, DeployResponse? Response, ErrorResponse? Error)
{
    public static DeployOutcome Ok(DeployResponse response) => new(200, response, null);

    public static DeployOutcome Fail(int status, string message, IReadOnlyList<DiagnosticDto>? diagnostics = null, IReadOnlyList<ChangeDto>? downgrades = null) =>
        new(status, null, new ErrorResponse(status, message, diagnostics, downgrades));
}
