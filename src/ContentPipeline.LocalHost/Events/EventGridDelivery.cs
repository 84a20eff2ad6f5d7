using System.Text.Json;
using ContentPipeline.LocalHost.Catalog;
using ContentPipeline.LocalHost.Rpc;
using ContentPipeline.LocalHost.Worker;

namespace ContentPipeline.LocalHost.Events;

/// <summary>
/// Runs an Event Grid-triggered function for one event, as the host's Event Grid extension does for an isolated
/// worker: the event's JSON as the trigger's value, no binding data. Used by the webhook and by the stand-in.
/// </summary>
public sealed class EventGridDelivery(IFunctionInvoker invoker)
{
    public Task<InvocationResult> InvokeAsync(FunctionDescriptor function, JsonElement eventJson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var input = new InvocationInput(new TypedData { Json = eventJson.GetRawText() }, new Dictionary<string, TypedData>());
        return invoker.InvokeAsync(function, input, cancellationToken);
    }
}
