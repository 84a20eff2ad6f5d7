using Microsoft.OpenApi;

namespace ContentPipeline.IntegrationTests.Contract;

/// <summary>One operation of openapi.json: its path template, method and description.</summary>
public sealed record ApiOperation(string Template, HttpMethod Method, OpenApiOperation Operation)
{
    public string Id => Operation.OperationId ?? throw new InvalidOperationException($"{Method} {Template} has no operationId.");

    /// <summary>Whether the operation needs a key (it names a security requirement).</summary>
    public bool IsSecured => Operation.Security is { Count: > 0 };

    public IEnumerable<IOpenApiParameter> Parameters(ParameterLocation location) =>
        (Operation.Parameters ?? []).Where(p => p.In == location);

    /// <summary>The path with its template segments filled in, under the document's base path.</summary>
    public string PathWith(string basePath, Func<string, string> value) =>
        basePath + string.Join('/', Template.Split('/').Select(s => s.StartsWith('{') && s.EndsWith('}') ? Uri.EscapeDataString(value(s[1..^1])) : s));

    public override string ToString() => Id;
}
