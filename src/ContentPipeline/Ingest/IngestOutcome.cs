using ContentPipeline.Parsing;

namespace ContentPipeline.Ingest;

/// <summary>What ingesting one blob did.</summary>
public enum IngestOutcome
{
    /// <summary>A new article was stored.</summary>
    Created,

    /// <summary>An existing article changed.</summary>
    Updated,

    /// <summary>The article was already stored exactly so (duplicate delivery or same content re-uploaded).</summary>
    Unchanged,

    /// <summary>A newer upload of the article was already stored; this one was ignored.</summary>
    Stale,

    /// <summary>An editor's takedown holds the article: the upload was kept out until the article is restored.</summary>
    TakenDown,

    /// <summary>
    /// The file was moved to the rejected container with its reason; or, when its name is unsafe, left untouched with
    /// the reason recorded (<see cref="ProblemCodes.UnsafeName"/>).
    /// </summary>
    Rejected,

    /// <summary>The blob no longer exists (deleted, or already rejected by an earlier delivery).</summary>
    Missing,
}
