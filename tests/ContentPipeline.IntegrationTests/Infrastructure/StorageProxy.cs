using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ContentPipeline.IntegrationTests.Infrastructure;

/// <summary>One request through the <see cref="StorageProxy"/>: what a storage policy decides on.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path and query, unescaped.</param>
/// <param name="Body">The body as text, unescaped (a <c>$batch</c> names each operation's table and keys in it).</param>
public sealed record StorageRequest(string Method, string Path, string Body)
{
    /// <summary>Whether this request writes to <paramref name="table"/> (an entity request, or a batch of its entities).</summary>
    public bool WritesTo(string table) => Method != "GET"
        && (Path.Contains($"/{table}(", StringComparison.Ordinal) || (Path.EndsWith("/$batch", StringComparison.Ordinal) && Body.Contains($"/{table}(", StringComparison.Ordinal)));

    /// <summary>Whether this request touches partition <paramref name="partition"/> (in its path or its batch).</summary>
    public bool Touches(string partition) =>
        Path.Contains($"PartitionKey='{partition}'", StringComparison.Ordinal) || Body.Contains($"PartitionKey='{partition}'", StringComparison.Ordinal);
}

/// <summary>
/// A storage service with a policy: an HTTP proxy in front of one of Azurite's endpoints that forwards each request
/// as the client signed it (method, path, headers and body unchanged), unless <see cref="Policy"/> holds it for a
/// while or answers it itself (503 Server Busy, as a throttled partition answers). Unlike <see cref="FaultProxy"/>
/// it reads each request, so a policy can tell one table, partition or batch from another.
/// </summary>
public sealed class StorageProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase) { "Host", "Connection", "Transfer-Encoding", "Expect", "Keep-Alive", "Content-Length" };

    private readonly WebApplication _app;
    private readonly HttpClient _client;
    private readonly Uri _target;

    private StorageProxy(WebApplication app, Uri target)
    {
        _app = app;
        _target = target;
        _client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = DecompressionMethods.None, MaxConnectionsPerServer = 256 })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>The proxy's base address (use it in place of the real endpoint's).</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>
    /// Decides each request: a status to answer it with (without forwarding), or null to forward it; it may await
    /// before deciding (a held request). Null: everything is forwarded.
    /// </summary>
    public Func<StorageRequest, Task<HttpStatusCode?>>? Policy { get; set; }

    public static async Task<StorageProxy> StartAsync(int targetPort)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        var app = builder.Build();
        var proxy = new StorageProxy(app, new Uri($"http://127.0.0.1:{targetPort}"));
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        proxy.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return proxy;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        // The target exactly as the client sent it: the signature covers the path, and re-escaping it may change it.
        var pathAndQuery = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        if (Policy is { } policy
            && await policy(new StorageRequest(context.Request.Method, Uri.UnescapeDataString(pathAndQuery), Uri.UnescapeDataString(Encoding.UTF8.GetString(body)))) is { } answer)
        {
            context.Response.StatusCode = (int)answer;
            context.Response.Headers["x-ms-error-code"] = answer == HttpStatusCode.ServiceUnavailable ? "ServerBusy" : answer.ToString();
            return;
        }

        using var forward = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(_target, pathAndQuery));
        if (body.Length > 0 || context.Request.ContentLength is not null)
        {
            forward.Content = new ByteArrayContent(body);
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (HopHeaders.Contains(name))
            {
                continue;
            }

            if (!forward.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                forward.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        using var response = await _client.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopHeaders.Contains(name) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _client.Dispose();
    }
}
