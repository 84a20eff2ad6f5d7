namespace ContentPipeline.IntegrationTests.Contract;

/// <summary>One request and the response it got, as the contract check sees them.</summary>
/// <param name="Method">The request's method.</param>
/// <param name="Path">The request's path, with the <c>/api</c> prefix and without the query.</param>
/// <param name="Status">The response's status code.</param>
/// <param name="ContentType">The response's <c>Content-Type</c>, if any.</param>
/// <param name="Header">Reads a response header (all values joined), or null when it is absent.</param>
/// <param name="Body">The response body as text.</param>
public sealed record ApiExchange(string Method, string Path, int Status, string? ContentType, Func<string, string?> Header, string Body)
{
    public override string ToString() => $"{Method} {Path} -> {Status}";
}
