namespace ContentPipeline.Stories;

/// <summary>How an editor's split or merge ended.</summary>
public enum StoryEditOutcome
{
    /// <summary>Done.</summary>
    Done,

    /// <summary>No such story (or article in it).</summary>
    NotFound,

    /// <summary>The story changed since the editor read it (If-Match no longer matches).</summary>
    PreconditionFailed,

    /// <summary>The change makes no sense as asked (split a story's only article, merge a story with itself, too many articles).</summary>
    Refused,
}
