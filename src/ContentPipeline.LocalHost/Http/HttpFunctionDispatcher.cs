using System.Net;
using System.Text.Json;
using ContentPipeline.LocalHost.Catalog;
using ContentPipeline.LocalHost.Diagnostics;
using ContentPipeline.LocalHost.Rpc;
using ContentPipeline.LocalHost.Worker;
using Yarp.ReverseProxy.Forwarder;

namespace ContentPipeline.LocalHost.Http;

/// <summary>
/// Serves HTTP-triggered functions as the Azure host does with the ASP.NET Core integration: checks the key of the
/// function's <c>authLevel</c> (a bare 401 otherwise), sends the worker an <c>InvocationRequest</c> (an empty
/// <c>RpcHttp</c> as the trigger's value; route values, <c>Query</c> and <c>Headers</c> as trigger metadata), and forwards
/// the request itself to the worker's <c>HttpUri</c> with <c>x-ms-invocation-id</c>; the worker's response is the answer.
/// The request is forwarded with its key in the <c>x-functions-key</c> header (a <c>code</c> query key is moved there, out
/// of the URL), so the app can name the key an editor's change came with (by a fingerprint, never the key itself);
/// neither the key header nor <c>code</c> goes into the trigger metadata.
/// </summary>
public sealed partial class HttpFunctionDispatcher(
    WorkerSupervisor supervisor,
    IFunctionInvoker invoker,
    KeyAuthorization keys,
    HostJson hostJson,
    IHttpForwarder forwarder,
    HostTelemetry telemetry,
    ILogger<HttpFunctionDispatcher> logger) : IDisposable
{
    public const string InvocationIdHeader = "x-ms-invocation-id";

    private static readonly TimeSpan StartWait = TimeSpan.FromMinutes(1);

    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ActivityHeadersPropagator = null,
        ConnectTimeout = TimeSpan.FromSeconds(15),
    });

    private HttpFunctionRouter? _router;

    /// <summary>Handles a request that no other endpoint of the host took.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ActiveWorker worker;
        try
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            wait.CancelAfter(StartWait);
            worker = await supervisor.WhenReadyAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable; // the worker is still starting
            return;
        }

        using var stage = telemetry.Stage(HostTelemetry.Stages.Http);
        (FunctionDescriptor Function, RouteValueDictionary Values)? match;
        bool allowed;
        using (telemetry.Stage(HostTelemetry.Stages.HttpRouteAndKey))
        {
            var router = _router ??= new HttpFunctionRouter(worker.Catalog, hostJson);
            match = router.Match(context.Request.Method, context.Request.Path);
            allowed = match is { } found && keys.Allows(found.Function.Http!.AuthLevel, context.Request);
        }

        if (match is not { } matched)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var (function, values) = matched;
        if (!allowed)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var invocationId = Guid.NewGuid().ToString();
        var invocation = invoker.InvokeAsync(function, new InvocationInput(new TypedData { Http = new RpcHttp() }, Metadata(context.Request, values), invocationId), context.RequestAborted);
        ForwarderError error;
        using (telemetry.Stage(HostTelemetry.Stages.HttpForward))
        {
            error = await forwarder.SendAsync(context, worker.HttpUri!.AbsoluteUri, _client, new ForwarderRequestConfig { ActivityTimeout = hostJson.FunctionTimeout }, new InvocationTransformer(invocationId)).ConfigureAwait(false);
        }

        InvocationResult result;
        try
        {
            result = await invocation.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the caller left; the invocation was cancelled
        }

        if (!context.Response.HasStarted && (error != ForwarderError.None || !result.Succeeded))
        {
            LogForwardFailed(function.Name, error.ToString(), result.Error ?? "none");
            context.Response.StatusCode = StatusCodes.Status500InternalServerError; // as on Azure: a failed function is a bare 500
        }
    }

    public void Dispose() => _client.Dispose();

    private static Dictionary<string, TypedData> Metadata(HttpRequest request, RouteValueDictionary routeValues)
    {
        var metadata = new Dictionary<string, TypedData>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in routeValues)
        {
            if (value?.ToString() is { } text)
            {
                metadata[name] = new TypedData { String = text };
            }
        }

        var query = request.Query.Where(q => !string.Equals(q.Key, KeyAuthorization.KeyQuery, StringComparison.OrdinalIgnoreCase)).ToDictionary(q => q.Key, q => q.Value.ToString());
        var headers = request.Headers.Where(h => !string.Equals(h.Key, KeyAuthorization.KeyHeader, StringComparison.OrdinalIgnoreCase)).ToDictionary(h => h.Key, h => h.Value.ToString());
        metadata["Query"] = new TypedData { Json = JsonSerializer.Serialize(query) };
        metadata["Headers"] = new TypedData { Json = JsonSerializer.Serialize(headers) };
        return metadata;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function}: the request could not be answered by the worker (forwarding: {ForwarderError}; invocation: {Error})")]
    private partial void LogForwardFailed(string function, string forwarderError, string error);

    /// <summary>
    /// Forwards the request as it came, with the invocation's id, except that a key sent as <c>code</c> moves from the URL
    /// into the <c>x-functions-key</c> header: the worker may log URLs, and a key must not end up in a log.
    /// </summary>
    private sealed class InvocationTransformer(string invocationId) : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
            var request = httpContext.Request;
            if (request.Query.TryGetValue(KeyAuthorization.KeyQuery, out var code))
            {
                var query = QueryString.Create(request.Query.Where(q => !string.Equals(q.Key, KeyAuthorization.KeyQuery, StringComparison.OrdinalIgnoreCase)));
                proxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(destinationPrefix, request.Path, query);
                if (!proxyRequest.Headers.Contains(KeyAuthorization.KeyHeader))
                {
                    proxyRequest.Headers.TryAddWithoutValidation(KeyAuthorization.KeyHeader, code.ToString());
                }
            }

            proxyRequest.Headers.TryAddWithoutValidation(InvocationIdHeader, invocationId);
        }
    }
}
