namespace ContentPipeline.Ingest;

/// <summary>What a deleted file in the incoming container did to the articles.</summary>
public enum DeletionOutcome
{
    /// <summary>The file was its article's current source: the article left every index and its body went.</summary>
    Removed,

    /// <summary>A file of that name exists again (uploaded after the deletion): the event is stale and changes nothing.</summary>
    FileExists,

    /// <summary>No article came from the file (never ingested, or its last version was rejected and moved by the pipeline).</summary>
    NoArticle,

    /// <summary>Another file is its article's current source, or the article is already removed: nothing changes.</summary>
    NotCurrentSource,

    /// <summary>An editor's takedown holds the article; its tombstone stays.</summary>
    TakenDown,

    /// <summary>The event named a blob outside the incoming container, or an unsafe name: nothing was read or changed.</summary>
    Ignored,
}
