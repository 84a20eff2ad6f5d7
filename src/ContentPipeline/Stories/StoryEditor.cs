using Microsoft.Extensions.Logging;

namespace ContentPipeline.Stories;

/// <summary>
/// Editors' corrections of the clustering: split an article out of a story into a story of its own, or merge another
/// story into one. Both need the story's current tag (<see cref="Story.Tag"/>), and pin the articles they move, so ingest
/// leaves them where the editor put them, through new uploads of their files and even a deletion and a new upload.
/// </summary>
public sealed partial class StoryEditor(StoryStore store, StoryDirectory directory, ILogger<StoryEditor> logger)
{
    /// <summary>Moves <paramref name="articleId"/> out of the story <paramref name="storyId"/> into a story of its own.</summary>
    public async Task<StoryEditResult> SplitAsync(string storyId, string articleId, string ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ifMatch);
        var story = await store.GetStoryAsync(storyId, cancellationToken).ConfigureAwait(false);
        if (story?.Members.FirstOrDefault(m => m.ArticleId == articleId) is not { } member)
        {
            return new StoryEditResult(StoryEditOutcome.NotFound, Detail: story is null ? $"No story has the id {storyId}." : $"Article {articleId} is not in story {storyId}.");
        }

        if (story.Tag != ifMatch)
        {
            return new StoryEditResult(StoryEditOutcome.PreconditionFailed, story, "The story changed since you read it: read it again and decide again.");
        }

        if (story.Members.Count == 1)
        {
            return new StoryEditResult(StoryEditOutcome.Refused, story, "The article is the story's only one: there is nothing to split it from.");
        }

        // The story without it and its own new one, in one transaction with every member's row.
        var own = new Story(StoryIds.Derive(articleId, $"split|{story.ETag}"), [member with { Pinned = true }], null);
        if (await store.TryCommitAsync([story.Without(articleId), own], [], cancellationToken).ConfigureAwait(false) is not { } saved)
        {
            return new StoryEditResult(StoryEditOutcome.PreconditionFailed, await store.GetStoryAsync(storyId, cancellationToken).ConfigureAwait(false), "The story changed while it was being split: read it again.");
        }

        own = saved[1];
        directory.Forget(story.Members.Select(static m => m.ArticleId));
        LogSplit(articleId, storyId, own.Id);
        return new StoryEditResult(StoryEditOutcome.Done, own);
    }

    /// <summary>Moves every article of the story <paramref name="otherId"/> into the story <paramref name="storyId"/>.</summary>
    public async Task<StoryEditResult> MergeAsync(string storyId, string otherId, string ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ifMatch);
        if (storyId == otherId)
        {
            return new StoryEditResult(StoryEditOutcome.Refused, Detail: "A story cannot be merged with itself.");
        }

        var (story, other) = (await store.GetStoryAsync(storyId, cancellationToken).ConfigureAwait(false), await store.GetStoryAsync(otherId, cancellationToken).ConfigureAwait(false));
        if (story is null || other is null)
        {
            return new StoryEditResult(StoryEditOutcome.NotFound, Detail: $"No story has the id {(story is null ? storyId : otherId)}.");
        }

        if (story.Tag != ifMatch)
        {
            return new StoryEditResult(StoryEditOutcome.PreconditionFailed, story, "The story changed since you read it: read it again and decide again.");
        }

        if (story.Members.Count + other.Members.Count > StoryStore.MaxMembers)
        {
            return new StoryEditResult(StoryEditOutcome.Refused, story, $"Together they would hold {story.Members.Count + other.Members.Count} articles; a story holds at most {StoryStore.MaxMembers}.");
        }

        var merged = other.Members.Aggregate(story, static (s, m) => s.With(m with { Pinned = true }));

        // The other story deleted and this one replaced, each only as it was read, with every member's row: one transaction.
        if (await store.TryCommitAsync([other with { Members = [] }, merged], [], cancellationToken).ConfigureAwait(false) is not { } saved)
        {
            return new StoryEditResult(StoryEditOutcome.PreconditionFailed, await store.GetStoryAsync(storyId, cancellationToken).ConfigureAwait(false), "One of the stories changed while they were being merged: read it again.");
        }

        directory.Forget(saved[1].Members.Select(static m => m.ArticleId));
        LogMerged(otherId, storyId);
        return new StoryEditResult(StoryEditOutcome.Done, saved[1]);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "An editor split article {ArticleId} out of story {StoryId} into story {NewStoryId}")]
    private partial void LogSplit(string articleId, string storyId, string newStoryId);

    [LoggerMessage(Level = LogLevel.Information, Message = "An editor merged story {OtherStoryId} into story {StoryId}")]
    private partial void LogMerged(string otherStoryId, string storyId);
}
