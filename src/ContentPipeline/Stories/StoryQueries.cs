using ContentPipeline.Articles;
using ContentPipeline.Storage;

namespace ContentPipeline.Stories;

/// <summary>
/// One story with its articles: the story row, then each article's current state (a point read each, 16 at a time,
/// at most <see cref="StoryStore.MaxMembers"/>). Readers see only its published articles (a story with none is not
/// found); editors see all but removed ones.
/// </summary>
public sealed class StoryQueries(StoryStore store, ArticleStore articles, TimeProvider time)
{
    private const int Parallelism = 16;

    /// <summary>The story, or null when there is none with that id or the caller may see none of its articles.</summary>
    public async Task<StoryDetail?> GetAsync(string storyId, bool visibleOnly, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storyId);
        if (await store.GetStoryAsync(storyId, cancellationToken).ConfigureAwait(false) is not { ETag: not null } story)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var shown = new List<ArticleSummary>(story.Members.Count);
        await Parallel.ForEachAsync(story.Members, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (member, token) =>
        {
            var stored = await articles.GetAsync(member.ArticleId, includeBody: false, token).ConfigureAwait(false);
            var state = stored?.StateAt(now);
            if (stored is not null && (visibleOnly ? state == ArticleState.Published : state != ArticleState.Removed))
            {
                var summary = ArticleSummary.From(stored) with { ContentHtml = null, State = state!.Value.Name() };
                lock (shown)
                {
                    shown.Add(summary);
                }
            }
        }).ConfigureAwait(false);
        if (shown.Count == 0)
        {
            return null;
        }

        // Readers count the sources of what they are shown; editors, every article's.
        var sources = visibleOnly ? Story.SourcesOf(story.Members.Where(m => shown.Exists(s => s.Id == m.ArticleId))) : story.Sources;
        var link = new StoryLink(story.Id, sources);
        shown = [.. shown.Select(s => s with { Story = link })];
        var lead = Story.Lead(shown);
        return new StoryDetail(story.Id, sources, story.Tag!, lead, [.. shown.Where(s => s.Id != lead.Id).OrderByDescending(static s => s.PublishedDateTime).ThenBy(static s => s.Id, StringComparer.Ordinal)]);
    }
}
