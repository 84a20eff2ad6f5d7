using System.Net;
using Yarp.ReverseProxy.Forwarder;

namespace ContentPipeline.LocalHost.Front;

/// <summary>
/// The local stand-in for the platform's load balancer in front of a scaled-out app: one port that spreads requests
/// over the instances' ports in turn. An instance that refuses the connection (killed, restarting) is skipped for
/// <see cref="DownFor"/> and the request goes to the next one; only when none answers is it a 502. Requests are
/// forwarded as they came (keys, query, body), so each instance checks keys itself, as on Azure.
/// </summary>
/// <remarks>Run it as <c>ContentPipeline.LocalHost --front http://127.0.0.1:7072,http://127.0.0.1:7073 --urls http://127.0.0.1:7071</c>.</remarks>
public sealed partial class FrontDoor(IReadOnlyList<Uri> instances, IHttpForwarder forwarder, TimeProvider time, ILogger<FrontDoor> logger) : IDisposable
{
    /// <summary>How long an instance that refused a connection is passed over.</summary>
    public static readonly TimeSpan DownFor = TimeSpan.FromSeconds(2);

    /// <summary>Bodies up to this size are buffered in memory so that a refused request can go to another instance.</summary>
    private const int MaxBufferedBody = 4 * 1024 * 1024;

    private readonly long[] _downUntil = new long[instances.Count];
    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(2),
    });

    private int _next = -1;

    /// <summary>Builds the front door's web app from the command line (<c>--front</c> names the instances' URLs).</summary>
    public static WebApplication Build(string[] args, string instanceList)
    {
        var instances = instanceList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp ? uri
                : throw new ArgumentException($"--front takes the instances' URLs, comma-separated (http://127.0.0.1:7072,...); '{url}' is not one."))
            .ToList();
        if (instances.Count == 0)
        {
            throw new ArgumentException("--front needs at least one instance URL.");
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // each instance applies its own limit
        });
        builder.Logging.AddFilter("Yarp", LogLevel.Critical);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new FrontDoor(instances, sp.GetRequiredService<IHttpForwarder>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<FrontDoor>>()));
        var app = builder.Build();
        app.Run(context => context.RequestServices.GetRequiredService<FrontDoor>().ForwardAsync(context));
        return app;
    }

    /// <summary>Forwards one request to the next instance that takes the connection.</summary>
    public async Task ForwardAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var retryable = context.Request.ContentLength is null or <= MaxBufferedBody;
        if (retryable)
        {
            context.Request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: MaxBufferedBody);
        }

        var start = Interlocked.Increment(ref _next);
        for (var tried = 0; tried < instances.Count; tried++)
        {
            var index = (int)((uint)(start + tried) % (uint)instances.Count);
            if (tried < instances.Count - 1 && time.GetTimestamp() < Volatile.Read(ref _downUntil[index]))
            {
                continue;
            }

            if (context.Request.Body.CanSeek)
            {
                context.Request.Body.Position = 0;
            }

            var error = await forwarder.SendAsync(context, instances[index].AbsoluteUri, _client, ForwarderRequestConfig.Empty, HttpTransformer.Default).ConfigureAwait(false);
            if (error == ForwarderError.None)
            {
                Volatile.Write(ref _downUntil[index], 0);
                return;
            }

            if (error != ForwarderError.Request || context.Response.HasStarted || !retryable || context.RequestAborted.IsCancellationRequested)
            {
                LogFailed(instances[index], error.ToString());
                return; // the forwarder has answered 502 (or the response was under way)
            }

            // The instance did not take the request (refused, or gone mid-connect): try the next one.
            Volatile.Write(ref _downUntil[index], time.GetTimestamp() + (long)(DownFor.TotalSeconds * time.TimestampFrequency));
            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.StatusCode = StatusCodes.Status200OK;
            LogSkipped(instances[index]);
        }

        context.Response.StatusCode = StatusCodes.Status502BadGateway;
    }

    public void Dispose() => _client.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {Instance} did not take a request; trying the next one")]
    private partial void LogSkipped(Uri instance);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {Instance} failed a request ({Error})")]
    private partial void LogFailed(Uri instance, string error);
}
