using ContentPipeline.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.Functions;

/// <summary>Serves the API description (embedded <c>openapi.json</c>; a test checks it against the real routes).</summary>
public sealed class OpenApi
{
    private static readonly Lazy<byte[]> Document = new(() =>
    {
        using var stream = typeof(OpenApi).Assembly.GetManifestResourceStream("ContentPipeline.Functions.openapi.json")
            ?? throw new InvalidOperationException("openapi.json is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    [Function(nameof(GetOpenApi))]
    public IResult GetOpenApi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.OpenApi)] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return QueryParameters.RejectUnknown(request.Query) ?? Results.Bytes(Document.Value, "application/json");
    }
}
