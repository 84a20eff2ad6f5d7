using System.Diagnostics;
using ContentPipeline.Diagnostics;
using Microsoft.Net.Http.Headers;

namespace ContentPipeline.LocalHost.Http;

/// <summary>
/// What the host's front door does to every request, as the Azure platform does in front of a function app: CORS from
/// one setting (the same <c>CORS_ALLOWED_ORIGINS</c> that infra/ gives <c>siteConfig.cors</c>; none by default, preflight
/// answered), <c>X-Content-Type-Options: nosniff</c>, no <c>Server</c> banner (the worker's is dropped too), and one request log line per call in
/// which a <c>code</c> query parameter (a key) is redacted. ASP.NET Core's own request lines, which hold the whole
/// query string, are turned off.
/// </summary>
public static partial class HostHttpPipeline
{
    /// <summary>The setting holding the allowed origins, comma-separated (infra/ reads the azd variable of the same name).</summary>
    public const string CorsSetting = "CORS_ALLOWED_ORIGINS";

    private const string HostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>Headers a browser client may read from responses (caching and retry hints).</summary>
    private static readonly string[] ExposedHeaders = [HeaderNames.ETag, HeaderNames.RetryAfter, HeaderNames.Location];

    public static void AddHostHttp(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Logging.AddFilter(HostingDiagnostics, LogLevel.Warning);
        var origins = AllowedOrigins(builder.Configuration);
        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            // No origin configured: the policy allows none, and browsers keep other sites' pages from calling the API.
            policy.WithOrigins(origins).AllowAnyMethod().AllowAnyHeader().WithExposedHeaders(ExposedHeaders);
        }));
    }

    public static void UseHostHttp(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HostHttpPipeline));
        app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            context.Response.OnStarting(() =>
            {
                // Also over what the worker's own web server sent (its banner, its nosniff): one of each, no banner.
                context.Response.Headers.XContentTypeOptions = "nosniff";
                context.Response.Headers.Remove(HeaderNames.Server);
                return Task.CompletedTask;
            });
            await next(context).ConfigureAwait(false);
            LogRequest(logger, context.Request.Method, LogText.Escape(context.Request.Path.Value), LogText.Escape(RedactedQuery(context.Request.Query)), context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        });
        app.UseCors();
    }

    /// <summary>The origins in <see cref="CorsSetting"/>: comma-separated, blanks ignored, never a wildcard by default.</summary>
    public static string[] AllowedOrigins(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return (configuration[CorsSetting] ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>The query string with the value of every <c>code</c> parameter replaced by <c>***</c>.</summary>
    public static string RedactedQuery(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Count == 0)
        {
            return string.Empty;
        }

        return "?" + string.Join('&', query.SelectMany(p => p.Value.Select(v =>
            $"{Uri.EscapeDataString(p.Key)}={(string.Equals(p.Key, KeyAuthorization.KeyQuery, StringComparison.OrdinalIgnoreCase) ? "***" : Uri.EscapeDataString(v ?? string.Empty))}")));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path}{Query} answered {Status} in {ElapsedMs:F1} ms")]
    private static partial void LogRequest(ILogger logger, string method, string path, string query, int status, double elapsedMs);
}
