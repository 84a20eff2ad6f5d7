using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace ContentPipeline.Functions.Http;

/// <summary>
/// Every HTTP response of the app says <c>X-Content-Type-Options: nosniff</c>: browsers take the declared content
/// type (JSON, problem+json) at its word and never sniff markup out of an article's text.
/// </summary>
internal sealed class SecurityHeadersMiddleware : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetHttpContext() is { } http)
        {
            http.Response.Headers.XContentTypeOptions = "nosniff";
        }

        return next(context);
    }
}
