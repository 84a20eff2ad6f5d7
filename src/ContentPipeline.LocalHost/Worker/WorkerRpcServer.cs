using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ContentPipeline.LocalHost.Worker;

/// <summary>
/// The gRPC server workers connect to: HTTP/2 without TLS on a free loopback port, separate from the public endpoint
/// (as the Azure host keeps its worker channel off the app's front door), with no message size limit.
/// </summary>
public sealed class WorkerRpcServer : IAsyncDisposable
{
    private readonly WebApplication _server;

    private WorkerRpcServer(WebApplication server, Uri address)
    {
        _server = server;
        Address = address;
    }

    /// <summary>Where workers connect (<c>--functions-uri</c>).</summary>
    public Uri Address { get; }

    public static async Task<WorkerRpcServer> StartAsync(WorkerConnections connections, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(connections);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = null;
            grpc.MaxSendMessageSize = null;
            grpc.EnableDetailedErrors = true;
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
        });
        var server = builder.Build();
        server.MapGrpcService<FunctionRpcService>();
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new WorkerRpcServer(server, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync().ConfigureAwait(false);
        await _server.DisposeAsync().ConfigureAwait(false);
    }
}
