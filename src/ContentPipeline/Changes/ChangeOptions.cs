using System.ComponentModel.DataAnnotations;

namespace ContentPipeline.Changes;

/// <summary>Settings of the change log (section <c>Changes</c>).</summary>
public sealed class ChangeOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Changes";

    /// <summary>
    /// How long the change log keeps its entries: a sync token older than this is refused (410: sync again from the
    /// start), and a webhook delivery is never older. Pruned by the change dispatcher at most once an hour.
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "365.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);
}
