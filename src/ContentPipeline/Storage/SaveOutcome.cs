namespace ContentPipeline.Storage;

/// <summary>What a save did.</summary>
public enum SaveOutcome
{
    /// <summary>A new article was stored.</summary>
    Created,

    /// <summary>The article changed and was rewritten with its index entries.</summary>
    Updated,

    /// <summary>Nothing changed; nothing was written (a duplicate delivery or a re-upload of the same content).</summary>
    Unchanged,

    /// <summary>The stored article came from a newer upload; this older delivery was ignored.</summary>
    Stale,

    /// <summary>There is no article with that id.</summary>
    NotFound,

    /// <summary>The article's version is not the one the caller expected (an HTTP <c>If-Match</c> failed).</summary>
    VersionMismatch,

    /// <summary>The article is taken down: uploads and events change nothing until an editor restores it.</summary>
    TakenDown,

    /// <summary>A schedule was refused: the article expires before (or when) it would be published, so it would never show.</summary>
    ExpiresFirst,
}
