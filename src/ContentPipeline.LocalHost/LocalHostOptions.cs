using System.ComponentModel.DataAnnotations;

namespace ContentPipeline.LocalHost;

/// <summary>Settings of the local host (section <c>LocalHost</c>).</summary>
public sealed class LocalHostOptions
{
    public const string Section = "LocalHost";

    /// <summary>The published Functions app to run (the folder with functions.metadata and worker.config.json).</summary>
    [Required]
    public string AppPath { get; set; } = string.Empty;

    /// <summary>A local.settings.json whose Values become app settings (lowest priority); none by default.</summary>
    public string? SettingsFile { get; set; }

    /// <summary>The host id: names the blob-trigger queue (<c>azure-webjobs-blobtrigger-{id}</c>) and the timer status blobs.</summary>
    [Required]
    [RegularExpression("^[a-z0-9-]{1,32}$")]
    public string HostId { get; set; } = "contentpipeline-local";

    /// <summary>
    /// Whether the host raises the blob events Event Grid would raise for the watched containers (Azurite raises none).
    /// Off: only events posted to the webhook run blob triggers, as with a subscription that delivers nothing.
    /// </summary>
    public bool RaiseBlobEvents { get; set; } = true;

    /// <summary>How often each Event Grid blob trigger's container is listed to raise its events.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan WatchInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between two polls of an empty blob-trigger queue (Azure: one minute; a posted event wakes it).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Overrides host.json's <c>functionTimeout</c> locally (none: host.json's).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan? FunctionTimeout { get; set; }

    /// <summary>How long to wait for the worker to start and load its functions.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan WorkerStartTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>This instance's name in logs and the admin status (default: the host process's id).</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string InstanceId { get; set; } = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// How long a timer's singleton lease lasts before it is renewed (as host.json's <c>singleton.listenerLockPeriod</c>,
    /// whose default is one minute; blob leases last 15 to 60 seconds). A dead holder's timers move after at most this.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:15", "00:01:00")]
    public TimeSpan ListenerLockPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often an instance without a timer's lock tries to take it (as host.json's <c>singleton.listenerLockRecoveryPollingInterval</c>, default one minute).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ListenerLockRecoveryPollingInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The URL clients use when a front door spreads requests over several instances (the banner shows it).</summary>
    public Uri? FrontUrl { get; set; }

    /// <summary>Where generated keys are kept between runs (none: keys live as long as the process).</summary>
    public string? KeysFile { get; set; }

    /// <summary>Keys; any left empty is generated (and saved to <see cref="KeysFile"/>).</summary>
    public HostKeys Keys { get; set; } = new();
}
