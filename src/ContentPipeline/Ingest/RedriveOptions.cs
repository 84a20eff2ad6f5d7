using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace ContentPipeline.Ingest;

/// <summary>
/// How blobs that failed to ingest are tried again (section <c>Redrive</c>): after each delay of
/// <see cref="Backoff"/> in turn, then every <see cref="Interval"/>, until <see cref="MaxAttempts"/> failures; then the
/// pipeline gives up and editors see the blob with its last error.
/// </summary>
public sealed class RedriveOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Redrive";

    /// <summary>The app setting with the re-drive timer's NCRONTAB schedule (the trigger reads <c>%RedriveSchedule%</c>).</summary>
    public const string ScheduleSetting = "RedriveSchedule";

    /// <summary>The documented default schedule: every minute.</summary>
    public const string DefaultSchedule = "0 * * * * *";

    /// <summary>The first delays, comma-separated TimeSpans (default 1, 5 and 30 minutes).</summary>
    [Required]
    public string Backoff { get; set; } = "00:01:00, 00:05:00, 00:30:00";

    /// <summary>The delay after the last of <see cref="Backoff"/> (default hourly).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Failures after which the pipeline gives up (default 26: 1, 5 and 30 minutes, then hourly for about a day).</summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 26;

    /// <summary>
    /// Most poisoned blobs one run records, and most due blobs it tries again (the rest wait for the next run): at the
    /// default, 5,000 blobs poisoned in an outage are all recorded within three runs and tried again within five.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxPerRun { get; set; } = 2_000;

    /// <summary>Poisoned blobs recorded, and due blobs ingested, at once.</summary>
    [Range(1, 64)]
    public int Parallelism { get; set; } = 16;

    /// <summary>The delay before attempt <paramref name="failures"/> + 1, after that many failures.</summary>
    public TimeSpan DelayAfter(int failures)
    {
        var delays = Delays();
        return failures >= 1 && failures <= delays.Count ? delays[failures - 1] : Interval;
    }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var invalid = Backoff.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(d => !TimeSpan.TryParse(d, CultureInfo.InvariantCulture, out var delay) || delay <= TimeSpan.Zero)
            .ToList();
        if (invalid.Count > 0)
        {
            yield return new ValidationResult($"Backoff must be comma-separated positive TimeSpans (hh:mm:ss); these are not: {string.Join(", ", invalid)}.", [nameof(Backoff)]);
        }
    }

    private List<TimeSpan> Delays() =>
        Backoff.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(d => TimeSpan.Parse(d, CultureInfo.InvariantCulture))
            .ToList();
}
