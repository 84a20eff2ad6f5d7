namespace ContentPipeline.Feeds;

/// <summary>What a conditional write of a feed file did.</summary>
internal enum FeedWrite
{
    /// <summary>The file now holds this run's content.</summary>
    Written,

    /// <summary>The file already held this content.</summary>
    Unchanged,

    /// <summary>Another run wrote the file from a later read of its list (or the same content): its version stays.</summary>
    Superseded,
}
