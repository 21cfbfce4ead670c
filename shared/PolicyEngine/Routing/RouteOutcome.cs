namespace Portcullis.PolicyEngine.Routing;

/// <summary>The result of looking a request up in the route table.</summary>
public enum RouteOutcome
{
    /// <summary>No template matches the path: 404.</summary>
    NoRoute,

    /// <summary>A template matches the path but has no operation for the method: 405.</summary>
    MethodNotAllowed,

    /// <summary>An operation matches.</summary>
    Matched,
}
