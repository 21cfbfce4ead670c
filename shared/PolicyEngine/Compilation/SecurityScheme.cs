using Portcullis.PolicyEngine.Policy;

namespace Portcullis.PolicyEngine.Compilation;

/// <summary>A security scheme as declared; only apiKey schemes carry a location.</summary>
internal sealed record SecurityScheme(string Name, string Type, KeyLocation? Location);
