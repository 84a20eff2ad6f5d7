using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.LocalHost.Catalog;

/// <summary>What kind of trigger a function has.</summary>
public enum TriggerKind
{
    Http,
    Blob,
    Timer,
}

/// <summary>One function of the app, as its attributes declare it (the same facts the Worker SDK writes to functions.metadata).</summary>
public sealed record FunctionDescriptor(string Name, MethodInfo Method, TriggerKind Kind, Attribute Trigger)
{
    /// <summary>The id the Azure host uses in blob receipts and poison messages: <c>Namespace.Class.Method</c>.</summary>
    public string FunctionId => $"{Method.DeclaringType!.FullName}.{Method.Name}";

    public HttpTriggerAttribute Http => (HttpTriggerAttribute)Trigger;

    public BlobTriggerAttribute Blob => (BlobTriggerAttribute)Trigger;

    public TimerTriggerAttribute Timer => (TimerTriggerAttribute)Trigger;

    /// <summary>The container of a blob trigger's path (<c>incoming/{name}</c> → <c>incoming</c>).</summary>
    public string BlobContainer => Blob.BlobPath.Split('/', 2)[0];
}
