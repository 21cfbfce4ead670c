using Portcullis.PolicyEngine.Policy;

namespace Portcullis.PolicyEngine.Tests.Policy;

/// <summary>jwt_verify_lib's audience comparison: scheme and one trailing slash ignored on both sides, the rest exact.</summary>
public sealed class AudienceTests
{
    [Theory]
    [InlineData("https://svc", "https://svc", true)]
    [InlineData("svc", "https://svc", true)]
    [InlineData("http://svc", "https://svc", true)]
    [InlineData("https://svc/", "https://svc", true)]
    [InlineData("https://svc", "svc/", true)]
    [InlineData("https://svc//", "https://svc", false)]
    [InlineData("https://SVC", "https://svc", false)]
    [InlineData("https://svc/api", "https://svc", false)]
    [InlineData("ftp://svc", "svc", false)]
    public void Matches(string token, string configured, bool expected)
    {
        Assert.Equal(expected, Audience.Matches(token, [Audience.Normalize(configured)]));
    }
}
