using System.Runtime.CompilerServices;

namespace Portcullis.PolicyEngine.Routing;

/// <summary>Fixed storage for the wildcard captures of one match, so matching allocates nothing.</summary>
[InlineArray(Capacity)]
public struct CaptureBuffer
{
    /// <summary>Most wildcards one template may hold.</summary>
    public const int Capacity = 16;

    private Range _element;
}
