using System.ComponentModel.DataAnnotations;

namespace ContentPipeline.Feeds;

/// <summary>Settings of the feeds (section <c>Feeds</c>).</summary>
public sealed class FeedOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Feeds";

    /// <summary>The app setting that holds the timer's NCRONTAB schedule (the trigger reads <c>%FeedSchedule%</c>).</summary>
    public const string ScheduleSetting = "FeedSchedule";

    /// <summary>The documented default schedule: every 5 minutes, UTC.</summary>
    public const string DefaultSchedule = "0 */5 * * * *";

    /// <summary>Newest published articles per feed.</summary>
    [Range(1, 1000)]
    public int MaxItems { get; set; } = 50;

    /// <summary>
    /// Most category and topic feeds one run creates (each is three files); more wait for the next runs. Bounds what one
    /// upload with many new topics, or a burst of them, makes a single run write.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxNewFeedsPerRun { get; set; } = 100;

    /// <summary>How many feeds a run reads and writes at a time.</summary>
    [Range(1, 64)]
    public int Parallelism { get; set; } = 8;

    /// <summary>Title of the overall feed; category and topic feeds add their name to it.</summary>
    [Required]
    [MinLength(1)]
    public string Title { get; set; } = "Content pipeline";

    /// <summary>Description of the overall feed.</summary>
    [Required]
    public string Description { get; set; } = "The newest published articles.";

    /// <summary>The site the feeds belong to (the feeds' <c>link</c>); optional.</summary>
    [Url]
    public string? SiteUrl { get; set; }

    /// <summary>Public base URL of the feeds (a CDN in front of the container); default: the container's own URL.</summary>
    [Url]
    public string? PublicBaseUrl { get; set; }

    /// <summary>The <c>Cache-Control</c> header of every feed blob.</summary>
    [Required]
    public string CacheControl { get; set; } = "public, max-age=300";
}
