using System.ComponentModel.DataAnnotations;

namespace ContentPipeline.Feeds;

/// <summary>Settings of the feeds (section <c>Feeds</c>).</summary>
public sealed class FeedOptions : IValidatableObject
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

    /// <summary>
    /// A WebSub hub (for example <c>https://pubsubhubbub.appspot.com/</c>, or one of your own): when set, every feed names
    /// it (<c>rel="hub"</c> in RSS and Atom, <c>hubs</c> in JSON Feed), and each feed run tells it which feed files it
    /// changed (<c>hub.mode=publish</c>), so subscribers hear of a new article within a run instead of at their next poll.
    /// HTTPS; plain HTTP only for a hub on this machine (loopback), for local runs and tests.
    /// </summary>
    public string? HubUrl { get; set; }

    /// <summary>How long one notification of the hub may take before it counts as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan HubTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The hub as a URI (null when none is configured); valid once the options are validated.</summary>
    public Uri? Hub => HubUrl is { Length: > 0 } url ? new Uri(url, UriKind.Absolute) : null;

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HubUrl is not { Length: > 0 } url)
        {
            yield break;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var hub) || !(hub.Scheme == Uri.UriSchemeHttps || (hub.Scheme == Uri.UriSchemeHttp && hub.IsLoopback))
            || !string.IsNullOrEmpty(hub.UserInfo) || !string.IsNullOrEmpty(hub.Fragment))
        {
            yield return new ValidationResult(
                "Feeds:HubUrl must be an absolute https URL without credentials or fragment (http only for a loopback hub).", [nameof(HubUrl)]);
        }
    }
}
