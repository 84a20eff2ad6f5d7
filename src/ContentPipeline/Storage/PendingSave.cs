namespace ContentPipeline.Storage;

/// <summary>The record of one save whose index update is under way; the save removes it when the index is in step.</summary>
/// <param name="ArticleId">The article being saved.</param>
/// <param name="RowKey">The record's RowKey in the pending partition (<c>{id}|{save}</c>: one per save).</param>
/// <param name="StartedAt">When the save began.</param>
/// <param name="Lists">The published lists whose catalog rows the save writes (repair writes them again).</param>
internal sealed record PendingSave(string ArticleId, string RowKey, DateTimeOffset StartedAt, IReadOnlyCollection<string> Lists);
