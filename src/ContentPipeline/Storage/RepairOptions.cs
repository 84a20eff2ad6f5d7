using System.ComponentModel.DataAnnotations;

namespace ContentPipeline.Storage;

/// <summary>The repair of interrupted saves (section <c>Repair</c>), which a timer runs by itself.</summary>
public sealed class RepairOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Repair";

    /// <summary>The app setting with the repair timer's NCRONTAB schedule (the trigger reads <c>%RepairSchedule%</c>).</summary>
    public const string ScheduleSetting = "RepairSchedule";

    /// <summary>The documented default: every minute.</summary>
    public const string DefaultSchedule = "0 * * * * *";

    /// <summary>
    /// How old the record of a save must be before the timer takes it as interrupted, mends its article and removes the
    /// record: longer than any save can run (host.json's <c>functionTimeout</c> is five minutes), so a save still under
    /// way is left to finish and remove its own record.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MinAge { get; set; } = TimeSpan.FromMinutes(6);
}
