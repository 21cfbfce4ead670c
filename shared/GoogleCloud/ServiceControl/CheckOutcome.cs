namespace Portcullis.GoogleCloud.ServiceControl;

/// <summary>How a <c>:check</c> call ended.</summary>
public enum CheckOutcome
{
    /// <summary>Service Control answered and found no error: the key is good.</summary>
    Valid,

    /// <summary>Service Control answered with a check error (<see cref="CheckResult.ErrorCode"/>).</summary>
    CheckError,

    /// <summary>Service Control could not be reached in time, or answered 429/502/503/504 (fails open when configured).</summary>
    Unavailable,

    /// <summary>Any other failure (4xx or 500 from Service Control, a body that is not JSON, no access token): 500, never fails open.</summary>
    Failed,
}
