using ContentPipeline.LocalHost.Rpc;
using Grpc.Core;

namespace ContentPipeline.LocalHost.Worker;

/// <summary>
/// The host's side of <c>FunctionRpc.EventStream</c>: the worker opens the stream and first sends
/// <c>StartStream{worker_id}</c>; a worker this host did not start is refused.
/// </summary>
public sealed class FunctionRpcService(WorkerConnections connections) : FunctionRpc.FunctionRpcBase
{
    public override async Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        if (!await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false)
            || requestStream.Current.ContentCase != StreamingMessage.ContentOneofCase.StartStream)
        {
            throw new Grpc.Core.RpcException(new Status(StatusCode.InvalidArgument, "The first message of the stream must be StartStream."));
        }

        var connection = connections.Accept(requestStream.Current.StartStream.WorkerId)
            ?? throw new Grpc.Core.RpcException(new Status(StatusCode.PermissionDenied, "This host did not start a worker with that id."));
        await connection.RunAsync(requestStream, responseStream, context.CancellationToken).ConfigureAwait(false);
    }
}
