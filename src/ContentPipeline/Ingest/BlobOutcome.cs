namespace ContentPipeline.Ingest;

/// <summary>What the pipeline did with one version (ETag) of a blob in the incoming container.</summary>
public enum BlobOutcome
{
    /// <summary>Its article was created or updated.</summary>
    Stored,

    /// <summary>Its article was already stored exactly so.</summary>
    Unchanged,

    /// <summary>A newer upload of its article was already stored.</summary>
    Stale,

    /// <summary>Its article is taken down; the upload was kept out.</summary>
    TakenDown,

    /// <summary>It was moved to the rejected container (or, with an unsafe name, left alone) with the reason.</summary>
    Rejected,

    /// <summary>Ingest failed (a storage outage, say) and it waits to be tried again.</summary>
    Failed,

    /// <summary>It failed every time it was tried, up to the limit; editors see it with its last error.</summary>
    GaveUp,
}
