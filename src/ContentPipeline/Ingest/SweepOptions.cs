using System.ComponentModel.DataAnnotations;

namespace ContentPipeline.Ingest;

/// <summary>The sweep of the incoming container for blobs no event brought (section <c>Sweep</c>).</summary>
public sealed class SweepOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Sweep";

    /// <summary>The app setting with the sweep timer's NCRONTAB schedule (the trigger reads <c>%SweepSchedule%</c>).</summary>
    public const string ScheduleSetting = "SweepSchedule";

    /// <summary>The documented default schedule: every 15 minutes.</summary>
    public const string DefaultSchedule = "0 */15 * * * *";

    /// <summary>Blobs written more recently than this are left to their events (which are probably on their way).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MinAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Most blobs one run lists; the next run goes on where it stopped.</summary>
    [Range(1, 1_000_000)]
    public int MaxBlobsPerRun { get; set; } = 20_000;

    /// <summary>Most blobs one run ingests; the next run goes on where it stopped.</summary>
    [Range(1, 100_000)]
    public int MaxIngestsPerRun { get; set; } = 500;

    /// <summary>Blobs per listing page (and per range read of their outcomes; the table service returns at most 1,000 rows a page).</summary>
    [Range(1, 5_000)]
    public int PageSize { get; set; } = 1_000;

    /// <summary>Blobs ingested at once.</summary>
    [Range(1, 64)]
    public int Parallelism { get; set; } = 4;
}
