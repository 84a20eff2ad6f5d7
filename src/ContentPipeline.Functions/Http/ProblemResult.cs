using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ContentPipeline.Functions.Http;

/// <summary>
/// An error response: never cached by anyone (a function may have set public caching and an ETag for the success it
/// expected before the error arose; both are taken back), with <c>Retry-After</c> when trying again later may help.
/// </summary>
internal sealed class ProblemResult(IResult problem, TimeSpan? retryAfter) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var headers = httpContext.Response.Headers;
        headers.Remove(HeaderNames.ETag);
        headers.CacheControl = ApiResults.NoStore;
        if (retryAfter is { } delay)
        {
            headers.RetryAfter = ((int)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        await problem.ExecuteAsync(httpContext).ConfigureAwait(false);
    }
}
