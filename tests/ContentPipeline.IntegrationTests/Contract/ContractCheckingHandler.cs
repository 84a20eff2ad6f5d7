namespace ContentPipeline.IntegrationTests.Contract;

/// <summary>
/// Checks every response to an API call (a path under the document's server URL) against openapi.json, so a test that
/// gets a response the document does not describe fails right there.
/// </summary>
public sealed class ContractCheckingHandler(ApiContract contract) : DelegatingHandler(new HttpClientHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        if (contract.Covers(path))
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            contract.Verify(new ApiExchange(
                request.Method.Method,
                path,
                (int)response.StatusCode,
                response.Content.Headers.ContentType?.ToString(),
                name => response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values) : null,
                body));
        }

        return response;
    }
}
