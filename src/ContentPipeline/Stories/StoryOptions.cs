using System.ComponentModel.DataAnnotations;

namespace ContentPipeline.Stories;

/// <summary>Settings of the story clustering (section <c>Stories</c>).</summary>
public sealed class StoryOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stories";

    /// <summary>Whether ingest clusters articles into stories (off: articles carry no story, lists and feeds are by article).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The most articles a story holds (a further look-alike starts a story of its own).</summary>
    [Range(2, StoryStore.MaxMembers)]
    public int MaxMembers { get; set; } = 50;

    /// <summary>
    /// How long an instance keeps an article's story and source count before reading them again: lists and lookups
    /// of other instances see a join, split or merge at most this late.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Newest entries of a list that a story list groups (as a hot list ranks a window, never the archive).</summary>
    [Range(1, 1000)]
    public int ListWindow { get; set; } = 300;

    /// <summary>
    /// How long an article that found a match still being assigned (filed, no story yet) waits for that one's story, so
    /// that the two end in one (0.5 s to 1 minute).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.5", "00:01:00")]
    public TimeSpan PeerWait { get; set; } = TimeSpan.FromSeconds(2.5);

    /// <summary>
    /// The feeds that list stories instead of articles (a story once, as its lead): their paths without the format
    /// suffix (<c>all</c>, <c>category/world</c>, <c>topic/ai</c>), or <c>*</c> for every feed.
    /// </summary>
    public IList<string> Feeds { get; } = [];

    /// <summary>Whether the feed at <paramref name="basePath"/> lists stories.</summary>
    public bool FeedListsStories(string basePath) => Enabled && Feeds.Any(f => f == "*" || string.Equals(f, basePath, StringComparison.Ordinal));
}
