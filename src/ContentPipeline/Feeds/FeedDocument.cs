using ContentPipeline.Storage;

namespace ContentPipeline.Feeds;

/// <summary>Everything a feed file says, before it is written in one of the three formats.</summary>
/// <param name="Definition">Which feed.</param>
/// <param name="Title">Its title.</param>
/// <param name="Description">Its description.</param>
/// <param name="SelfUrl">Where this format of the feed is published (the feed's self link).</param>
/// <param name="SiteUrl">The site the feed belongs to, if any.</param>
/// <param name="Items">The newest published articles, newest first.</param>
public sealed record FeedDocument(FeedDefinition Definition, string Title, string Description, Uri SelfUrl, Uri? SiteUrl, IReadOnlyList<ArticleSummary> Items)
{
    /// <summary>The WebSub hub that readers may subscribe to for this feed (<see cref="FeedOptions.HubUrl"/>), if any.</summary>
    public Uri? HubUrl { get; init; }

    /// <summary>The feed's update time: the newest change among its items, so the same items give the same bytes.</summary>
    public DateTimeOffset Updated => Items.Count == 0 ? DateTimeOffset.UnixEpoch : Items.Max(static i => i.UpdatedAt > i.PublishedDateTime ? i.UpdatedAt : i.PublishedDateTime);
}
