using ContentPipeline.LocalHost.Rpc;

namespace ContentPipeline.LocalHost.Worker;

/// <summary>What one invocation carries: the trigger's value under its parameter name, and the trigger metadata.</summary>
/// <param name="TriggerValue">The trigger parameter's value (an RpcHttp, model binding data, TimerInfo JSON).</param>
/// <param name="TriggerMetadata">Binding data the worker binds other parameters from (route values, <c>name</c>, ...).</param>
/// <param name="InvocationId">A fixed invocation id (HTTP: the forwarded request carries it); null: a new one.</param>
public sealed record InvocationInput(TypedData TriggerValue, IReadOnlyDictionary<string, TypedData> TriggerMetadata, string? InvocationId = null);
