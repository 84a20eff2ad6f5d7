using ContentPipeline.Storage;
using Microsoft.Extensions.Options;

namespace ContentPipeline.Stories;

/// <summary>
/// Feeds that list stories instead of articles (<see cref="StoryOptions.Feeds"/>): a story once, as its lead among the
/// feed's items, at the place of its newest one, so a reader of that feed sees each story once.
/// </summary>
public sealed class StoryFeeds(StoryDirectory directory, IOptions<StoryOptions> options)
{
    private readonly StoryOptions _options = options.Value;

    /// <summary>What the feeds' files depend on (a change rewrites them).</summary>
    public IReadOnlyList<string> Configuration => _options.Enabled ? [.. _options.Feeds] : [];

    /// <summary>Whether the feed at <paramref name="basePath"/> lists stories.</summary>
    public bool ListsStories(string basePath) => _options.FeedListsStories(basePath);

    /// <summary>The items, newest first, each story once (as its lead); an article without a story stands alone.</summary>
    public async Task<List<ArticleSummary>> OnePerStoryAsync(IReadOnlyList<ArticleSummary> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        return [.. (await directory.LinkAsync(items, readers: true, cancellationToken).ConfigureAwait(false))
            .GroupBy(static i => i.Story?.Id ?? $"article:{i.Id}", StringComparer.Ordinal)
            .Select(static g => (Newest: g.Max(static i => i.PublishedDateTime), Lead: Story.Lead(g)))
            .OrderByDescending(static s => s.Newest)
            .Select(static s => s.Lead)];
    }
}
