using Portcullis.PolicyEngine.Policy;

namespace Portcullis.PolicyEngine.Routing;

/// <summary>What the route table found for one request. A value type: matching allocates nothing.</summary>
public struct RouteMatch
{
    private CaptureBuffer _captures;

    /// <summary>Found, 404 or 405.</summary>
    public RouteOutcome Outcome { get; internal set; }

    /// <summary>The operation, when <see cref="Outcome"/> is <see cref="RouteOutcome.Matched"/>.</summary>
    public ApiOperation? Operation { get; internal set; }

    /// <summary>The template that matched the path, for the 405 message.</summary>
    public PathTemplate? Template { get; internal set; }

    /// <summary>The normalized path that was matched (captures index into it).</summary>
    public string Path { get; internal set; }

    /// <summary>How many wildcard captures there are.</summary>
    public int CaptureCount { get; internal set; }

    /// <summary>The n-th wildcard capture, as a range of <see cref="Path"/>.</summary>
    public readonly Range Capture(int index) => _captures[index];

    /// <summary>The n-th wildcard capture's text (raw: escapes kept, slashes kept for <c>**</c>).</summary>
    public readonly ReadOnlySpan<char> CaptureValue(int index) => Path.AsSpan()[_captures[index]];

    internal void SetCapture(int index, Range range) => _captures[index] = range;
}
