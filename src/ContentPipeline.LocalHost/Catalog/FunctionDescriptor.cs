using ContentPipeline.LocalHost.Rpc;

namespace ContentPipeline.LocalHost.Catalog;

/// <summary>The trigger kinds this host serves.</summary>
public enum TriggerKind
{
    Http,
    Blob,
    Timer,
}

/// <summary>Who may call an HTTP function, as its <c>authLevel</c> says.</summary>
public enum AuthorizationLevel
{
    Anonymous,
    Function,
    Admin,
    System,
}

/// <summary>An HTTP trigger: <c>authLevel</c>, <c>methods</c> (none: all) and <c>route</c> (none: the function's name).</summary>
public sealed record HttpTrigger(AuthorizationLevel AuthLevel, IReadOnlyList<string> Methods, string Route);

/// <summary>A blob trigger: <c>path</c> (<c>container/{pattern}</c>), <c>connection</c> (an app setting's name) and <c>source</c>.</summary>
public sealed record BlobTrigger(string Path, string Connection, string Source)
{
    /// <summary>The container of <see cref="Path"/>.</summary>
    public string Container => Path.Split('/', 2)[0];

    /// <summary>Whether events, not container scans, announce its blobs (the only source Flex Consumption has).</summary>
    public bool UsesEventGrid => string.Equals(Source, "EventGrid", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A timer trigger: NCRONTAB <c>schedule</c> (may hold <c>%Setting%</c>), <c>runOnStartup</c>, <c>useMonitor</c>.</summary>
public sealed record TimerTrigger(string Schedule, bool RunOnStartup, bool UseMonitor);

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
