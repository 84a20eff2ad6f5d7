using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ContentPipeline.Functions.Http;

/// <summary>
/// An error response: never cached by anyone (a function may have set public caching and an ETag for the success it
/// expected before the error arose; both are taken back), with <c>Retry-After</c> when trying again later may help and
/// the resource's current <c>ETag</c> when the error is about it.
/// </summary>
internal sealed class ProblemResult(IResult problem, TimeSpan? retryAfter, string? currentETag) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var headers = httpContext.Response.Headers;
        headers.Remove(HeaderNames.ETag);
        if (currentETag is not null)
        {
            headers.ETag = currentETag;
        }

        headers.CacheControl = ApiResults.NoStore;
        if (retryAfter is { } delay)
        {
            headers.RetryAfter = ((int)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        await problem.ExecuteAsync(httpContext).ConfigureAwait(false);
    }
}
