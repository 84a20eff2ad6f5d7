namespace ContentPipeline.Storage;

/// <summary>
/// Every container and table the pipeline uses, in one place. Trigger attributes use the <c>*Path</c> constants,
/// services use the names; infra/ creates the same names (a test checks the compiled template against this class).
/// </summary>
public static class StorageNames
{
    /// <summary>Where uploaders put article files.</summary>
    public const string IncomingContainer = "incoming";

    /// <summary>Blob-trigger path of the ingest function.</summary>
    public const string IncomingBlobPath = IncomingContainer + "/{name}";

    /// <summary>Where files that cannot be ingested are moved, with the reason.</summary>
    public const string RejectedContainer = "rejected";

    /// <summary>Prefix of the rejected files inside <see cref="RejectedContainer"/>.</summary>
    public const string RejectedFilesPrefix = "files/";

    /// <summary>Prefix of the machine-readable reasons inside <see cref="RejectedContainer"/> (<c>reasons/{name}.json</c>).</summary>
    public const string RejectedReasonsPrefix = "reasons/";

    /// <summary>
    /// Prefix of the reasons for blobs whose names cannot be used safely (<c>unsafe-names/{hash}.json</c>, the hash of
    /// container and name): such a file is left where it is, and its name never becomes part of another blob's name.
    /// </summary>
    public const string RejectedUnsafeNamesPrefix = "unsafe-names/";

    /// <summary>Article bodies too large to live in their table entity (<c>{id}/{contentHash}.md</c>).</summary>
    public const string BodiesContainer = "article-bodies";

    /// <summary>Published feeds.</summary>
    public const string FeedsContainer = "feeds";

    /// <summary>One entity per article: PartitionKey = article id, RowKey = <see cref="ArticleRowKey"/>.</summary>
    public const string ArticlesTable = "articles";

    /// <summary>Newest-first index entries: PartitionKey = index name, RowKey = inverted time + id.</summary>
    public const string IndexTable = "articleindex";

    /// <summary>
    /// What happened to each blob of the incoming container (one row per blob name, with the ETag it was about), blobs
    /// waiting to be tried again, and the sweep's place: the app's own bookkeeping, not the Functions host's.
    /// </summary>
    public const string IngestStateTable = "ingeststate";

    /// <summary>
    /// Where the Functions host puts a blob trigger's message after five failed tries (in the trigger's storage
    /// account): the app drains it and tries those blobs again later (<see cref="Ingest.BlobRedriver"/>).
    /// </summary>
    public const string PoisonQueue = "webjobs-blobtrigger-poison";

    /// <summary>The registered webhook endpoints, their delivery logs, and the dispatcher's place in the change log.</summary>
    public const string WebhooksTable = "webhooks";

    /// <summary>Stories: one row per story and each clustered article's story (what lookups and lists read).</summary>
    public const string StoriesTable = "stories";

    /// <summary>
    /// The clustering's lookup keys: per key, the fingerprints of the newest articles filed under it. A table of its own,
    /// so that its many large rows never slow the point reads of <see cref="StoriesTable"/> (the emulator's grow with the table).
    /// </summary>
    public const string StoryKeysTable = "storykeys";

    /// <summary>Webhook deliveries waiting for their next attempt (invisible until it is due).</summary>
    public const string WebhookQueue = "webhook-deliveries";

    /// <summary>The RowKey of every article entity.</summary>
    public const string ArticleRowKey = "article";

    /// <summary>Every container the pipeline writes to.</summary>
    public static IReadOnlyList<string> Containers { get; } = [IncomingContainer, RejectedContainer, BodiesContainer, FeedsContainer];

    /// <summary>Every table the pipeline writes to.</summary>
    public static IReadOnlyList<string> Tables { get; } = [ArticlesTable, IndexTable, IngestStateTable, WebhooksTable, StoriesTable, StoryKeysTable];

    /// <summary>Every queue the pipeline writes to (the host's own aside).</summary>
    public static IReadOnlyList<string> Queues { get; } = [WebhookQueue];
}
