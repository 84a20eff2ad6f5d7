using Azure;

namespace ContentPipeline.Storage;

/// <summary>An article entity as read from the table: the article, its index bookkeeping and its ETag.</summary>
internal sealed record ArticleRow(
    StoredArticle Stored,
    IReadOnlyList<IndexKey> IndexKeys,
    IReadOnlyList<IndexKey> StaleIndexKeys,
    bool IndexSynced,
    string? BodyBlobName,
    ETag ETag);
