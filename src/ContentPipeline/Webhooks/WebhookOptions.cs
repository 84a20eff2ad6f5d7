using System.ComponentModel.DataAnnotations;

namespace ContentPipeline.Webhooks;

/// <summary>Settings of the outgoing webhooks (section <c>Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Webhooks";

    /// <summary>The app setting that holds the dispatcher's NCRONTAB schedule (the trigger reads <c>%WebhookSchedule%</c>).</summary>
    public const string ScheduleSetting = "WebhookSchedule";

    /// <summary>The documented default schedule: every 10 seconds.</summary>
    public const string DefaultSchedule = "*/10 * * * * *";

    /// <summary>How long one delivery may take (connect, send, the answer's headers) before it counts as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The pause before a failed delivery's second attempt; each later one doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest pause between two attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "06:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a delivery is tried again after its first attempt; then it is kept as failed.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Deliveries sent at a time.</summary>
    [Range(1, 64)]
    public int Parallelism { get; set; } = 8;

    /// <summary>Most endpoints that may be registered.</summary>
    [Range(1, 1000)]
    public int MaxEndpoints { get; set; } = 100;

    /// <summary>
    /// Lets endpoints use plain http and loopback or private addresses: for local runs and tests only. Off, an endpoint
    /// must be https on a public address, checked when it is registered and again, on the resolved address, at every
    /// connection (so a name that later resolves to an internal address is refused).
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }
}
