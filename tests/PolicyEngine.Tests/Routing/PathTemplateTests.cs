using Portcullis.PolicyEngine.Routing;

namespace Portcullis.PolicyEngine.Tests.Routing;

/// <summary>
/// Path templates as API Gateway documents them (https://cloud.google.com/api-gateway/docs/path-templating)
/// and espv2-behaviour.md §1.1 and §5: whole-segment variables, <c>*</c> and <c>**</c> only.
/// </summary>
public sealed class PathTemplateTests
{
    [Theory]
    [InlineData("/", "/")]
    [InlineData("/shelves", "/shelves")]
    [InlineData("/shelves/{shelf}", "/shelves/*")]
    [InlineData("/shelves/{shelf=*}", "/shelves/*")]
    [InlineData("/files/{path=**}", "/files/**")]
    [InlineData("/files/*", "/files/*")]
    [InlineData("/files/**", "/files/**")]
    [InlineData("/**", "/**")]
    [InlineData("/files/{path=**}/raw", "/files/**/raw")]
    [InlineData("/wildcard/a/*/b/{name=*}/c/**", "/wildcard/a/*/b/*/c/**")]
    [InlineData("/libraries/{library_id=*}/shelves/{shelfId}", "/libraries/*/shelves/*")]
    [InlineData("/v1/{name.first}/x", "/v1/*/x")]
    [InlineData("/v1/items:batchGet", "/v1/items:batchGet")]
    [InlineData("/v1/{name}:cancel", "/v1/*:cancel")]
    [InlineData("/v1/{name=**}:undelete", "/v1/**:undelete")]
    [InlineData("/*:verb", "/*:verb")]
    [InlineData("/a/{b=*}/**:verb", "/a/*/**:verb")]
    public void TryParse_ValidTemplate_HasShape(string text, string shape)
    {
        PathTemplate? template = PathTemplate.TryParse(text, out string? error);

        Assert.NotNull(template);
        Assert.Null(error);
        Assert.Equal(text, template.Text);
        Assert.Equal(shape, template.Shape);
    }

    [Fact]
    public void TryParse_Root_HasNoSegments()
    {
        Assert.Empty(PathTemplate.TryParse("/", out _)!.Segments);
    }

    [Fact]
    public void TryParse_EveryForm_HasItsSegmentKindAndName()
    {
        PathTemplate template = PathTemplate.TryParse("/a/{v}/{w=*}/*/{x=**}/b", out _)!;

        Assert.Equal(
            [
                new TemplateSegment(SegmentKind.Literal, "a"),
                new TemplateSegment(SegmentKind.Single, "v"),
                new TemplateSegment(SegmentKind.Single, "w"),
                new TemplateSegment(SegmentKind.Single, null),
                new TemplateSegment(SegmentKind.Multi, "x"),
                new TemplateSegment(SegmentKind.Literal, "b"),
            ],
            template.Segments);
        Assert.Equal(["v", "w", null, "x"], template.Wildcards.Select(w => w.Text));
    }

    [Fact]
    public void TryParse_UnnamedDoubleWildcard_IsMulti()
    {
        Assert.Equal(new TemplateSegment(SegmentKind.Multi, null), PathTemplate.TryParse("/**", out _)!.Segments.Single());
    }

    [Theory]
    // API Gateway: "Path variables must match whole segments: /items/overview.{format} is rejected".
    [InlineData("/items/overview.{format}", "partial-segment")]
    [InlineData("/items/x_{id}", "partial-segment")]
    [InlineData("/items/{id}.json", "partial-segment")]
    [InlineData("/items/{a}{b}", "partial-segment")]
    [InlineData("/items/{id", "partial-segment")]
    [InlineData("/items/id}", "partial-segment")]
    [InlineData("/items/a*", "wildcards must be whole segments")]
    [InlineData("/items/***", "wildcards must be whole segments")]
    // Only '*' and '**' patterns.
    [InlineData("/items/{v=a/*}", "spans segments")]
    [InlineData("/items/{v=*/**}", "spans segments")]
    [InlineData("/items/{v=a}", "only '*' and '**'")]
    [InlineData("/items/{v=}", "only '*' and '**'")]
    [InlineData("/items/{v=***}", "only '*' and '**'")]
    // Variable names.
    [InlineData("/items/{id}/sub/{id}", "appears twice")]
    [InlineData("/items/{id}/sub/{id=**}", "appears twice")]
    [InlineData("/items/{}", "not a valid path variable name")]
    [InlineData("/items/{=*}", "not a valid path variable name")]
    [InlineData("/items/{1st}", "not a valid path variable name")]
    [InlineData("/items/{a b}", "not a valid path variable name")]
    // Shape of the whole template.
    [InlineData("items/{id}", "must start with '/'")]
    [InlineData("", "must start with '/'")]
    [InlineData("/a//b", "empty segment")]
    [InlineData("//a", "empty segment")]
    [InlineData("//", "cannot end with '/'")]
    [InlineData("/a/b//", "cannot end with '/'")]
    // Templates ESPv2's parser refuses (uri_template_parser.go: a literal ends at '/' or ':').
    [InlineData("/shelves/", "cannot end with '/'")]
    [InlineData("/a/", "cannot end with '/'")]
    [InlineData("/:verb", "must follow a segment")]
    [InlineData("/a/:verb", "must follow a segment")]
    [InlineData("/:", "custom verb")]
    [InlineData("/a/:", "custom verb")]
    [InlineData("/a:", "custom verb")]
    [InlineData("/a:b:c", "custom verb")]
    [InlineData("/foo:bar/const", "only introduce a custom verb")]
    [InlineData("/a/b:c/{id}", "only introduce a custom verb")]
    [InlineData("/a?b=1", "'?' or '#'")]
    [InlineData("/a#b", "'?' or '#'")]
    [InlineData("/a b", "not allowed in a URL path")]
    public void TryParse_InvalidTemplate_SaysWhy(string text, string fragment)
    {
        PathTemplate? template = PathTemplate.TryParse(text, out string? error);

        Assert.Null(template);
        Assert.NotNull(error);
        Assert.Contains(fragment, error, StringComparison.Ordinal);
    }

    [Theory]
    // ESPv2's uri_template_parser (validateParts): only literal segments may follow '**'.
    // Two greedy wildcards also make the split ambiguous and matching polynomial in the path length.
    [InlineData("/field_path/{s_1=**}/{s_2=**}")]
    [InlineData("/a/**/**")]
    [InlineData("/a/**/{id}")]
    [InlineData("/a/{rest=**}/*")]
    [InlineData("/a/**/b/{id}/c")]
    public void TryParse_WildcardAfterDoubleWildcard_IsRefused(string text)
    {
        PathTemplate? template = PathTemplate.TryParse(text, out string? error);

        Assert.Null(template);
        Assert.Contains("only literal segments may follow '**'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_MoreWildcardsThanCaptureSlots_IsRefused()
    {
        string text = string.Concat(Enumerable.Range(0, PathTemplate.MaxWildcards + 1).Select(i => $"/{{v{i}}}"));

        Assert.Null(PathTemplate.TryParse(text, out string? error));
        Assert.Contains("at most", error, StringComparison.Ordinal);
        Assert.NotNull(PathTemplate.TryParse(string.Concat(Enumerable.Range(0, PathTemplate.MaxWildcards).Select(i => $"/{{v{i}}}")), out _));
    }

    [Fact]
    public void Shape_TemplatesDifferingOnlyInNames_AreEqual()
    {
        Assert.Equal(PathTemplate.TryParse("/p/{a}", out _)!.Shape, PathTemplate.TryParse("/p/{b=*}", out _)!.Shape);
        Assert.Equal(PathTemplate.TryParse("/p/{a=**}", out _)!.Shape, PathTemplate.TryParse("/p/**", out _)!.Shape);
        Assert.NotEqual(PathTemplate.TryParse("/p/{a}", out _)!.Shape, PathTemplate.TryParse("/p/{a=**}", out _)!.Shape);
    }
}
