using ContentPipeline.LocalHost.Rpc;

namespace ContentPipeline.LocalHost.Catalog;

/// <summary>
/// One function as the worker described it in its metadata response: its name, the id the worker gave it, the name of
/// its trigger's parameter, and the trigger's settings.
/// </summary>
public sealed record FunctionDescriptor(string Name, string FunctionId, TriggerKind Kind, string TriggerParameter, RpcFunctionMetadata Metadata)
{
    /// <summary>How the Azure host names the function in queue messages, timer status blobs and webhooks.</summary>
    public string HostFunctionId => $"Host.Functions.{Name}";

    public HttpTrigger? Http { get; init; }

    public BlobTrigger? Blob { get; init; }

    public TimerTrigger? Timer { get; init; }
}
