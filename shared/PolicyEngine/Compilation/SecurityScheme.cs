using Portcullis.PolicyEngine.Policy;

namespace Portcullis.PolicyEngine.Compilation;

/// <summary>A security scheme as declared: apiKey schemes carry a location, JWT schemes a provider.</summary>
internal sealed record SecurityScheme(string Name, string Type, KeyLocation? Location, JwtProvider? Jwt = null);
