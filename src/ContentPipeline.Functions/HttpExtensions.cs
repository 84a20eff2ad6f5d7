using ContentPipeline.Functions.Http;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ContentPipeline.Functions;

/// <summary>The app's HTTP conventions on top of the ASP.NET Core integration.</summary>
public static class HttpExtensions
{
    /// <summary>
    /// ASP.NET Core's hosting diagnostics log every request's URL with its query string, and a function key may be in it
    /// (<c>?code=</c>); the worker forwards its logs to Application Insights. Those lines are off (the Functions host
    /// records requests itself, with keys redacted). And every response gets <c>X-Content-Type-Options: nosniff</c>.
    /// </summary>
    public static FunctionsApplicationBuilder UseHttpConventions(this FunctionsApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.UseMiddleware<SecurityHeadersMiddleware>();
        return builder;
    }
}
