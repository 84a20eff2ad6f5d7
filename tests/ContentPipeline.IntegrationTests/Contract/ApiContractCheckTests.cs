namespace ContentPipeline.IntegrationTests.Contract;

/// <summary>
/// The contract check bites: a response the API really sends passes, and each way of drifting from openapi.json (a
/// renamed or retyped field, an unlisted status, a missing header, another content type, an undescribed body or
/// operation) fails.
/// </summary>
public sealed class ApiContractCheckTests
{
    private const string TogglePath = "/api/articles/0123456789abcdef0123/publish";
    private const string ToggleBody = """{"id":"0123456789abcdef0123","published":true,"state":"published","changed":true,"message":"Published.","publishedChangedAt":"2026-11-29T06:00:00+00:00","version":2}""";

    private static readonly Dictionary<string, string> ToggleHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ETag"] = "\"2\"",
        ["Cache-Control"] = "private, no-store",
    };

    private static readonly ApiContract Contract = ApiContract.Instance;

    [Fact]
    public void TheShippedDocument_Reads_AndDescribesEveryOperationWithAnId() =>
        Assert.All(Contract.Operations, o => Assert.False(string.IsNullOrEmpty(o.Operation.OperationId)));

    [Fact]
    public void AResponseAsTheApiSendsIt_Passes() =>
        Assert.Empty(Contract.Check(Toggle()));

    [Theory]
    [InlineData("publishedChangedAt", "publishedAt", "publishedAt")] // a renamed field: required one missing, unknown one present
    [InlineData("\"version\":2", "\"version\":\"2\"", "version")] // a retyped field
    [InlineData("\"published\":true,", "", "published")] // a dropped field
    public void ADriftedBody_Fails(string was, string becomes, string named)
    {
        var violations = Contract.Check(Toggle() with { Body = ToggleBody.Replace(was, becomes, StringComparison.Ordinal) });

        Assert.Contains(violations, v => v.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public void AnUnlistedStatus_Fails() =>
        Assert.Contains(Contract.Check(Toggle() with { Status = 422 }), v => v.Contains("does not list status 422", StringComparison.Ordinal));

    [Fact]
    public void AMissingRequiredHeader_Fails() =>
        Assert.Contains(Contract.Check(Toggle(without: "ETag")), v => v.Contains("ETag", StringComparison.Ordinal));

    [Fact]
    public void AMalformedHeader_Fails() =>
        Assert.Contains(Contract.Check(Toggle() with { Header = name => name == "ETag" ? "W/\"2\"" : ToggleHeaders.GetValueOrDefault(name) }), v => v.Contains("header ETag", StringComparison.Ordinal));

    [Fact]
    public void AnotherContentType_Fails() =>
        Assert.Contains(Contract.Check(Toggle() with { ContentType = "text/plain" }), v => v.Contains("content type", StringComparison.Ordinal));

    [Fact]
    public void ABodyWhereTheDocumentDescribesNone_Fails() =>
        Assert.NotEmpty(Contract.Check(new ApiExchange("GET", "/api/articles/0123456789abcdef0123", 304, "application/json", ToggleHeaders.GetValueOrDefault, "{}")));

    [Fact]
    public void AnUndescribedOperation_Fails_UnlessTheHostFoundNoRoute()
    {
        Assert.NotEmpty(Contract.Check(new ApiExchange("GET", "/api/articles/0123456789abcdef0123/history", 200, "application/json", _ => null, "{}")));
        Assert.NotEmpty(Contract.Check(new ApiExchange("DELETE", "/api/articles/0123456789abcdef0123", 204, null, _ => null, "")));
        Assert.Empty(Contract.Check(new ApiExchange("GET", "/api/articles/0123456789abcdef0123/history", 404, null, _ => null, "")));
    }

    [Fact]
    public void ALiteralPathWinsOverATemplate() =>
        Assert.Equal("ListEditorArticles", Contract.FindOperation("GET", "/api/editor/articles")?.Id);

    private static ApiExchange Toggle(string? without = null) =>
        new("POST", TogglePath, 200, "application/json; charset=utf-8", name => name == without ? null : ToggleHeaders.GetValueOrDefault(name), ToggleBody);
}
