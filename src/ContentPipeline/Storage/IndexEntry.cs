namespace ContentPipeline.Storage;

/// <summary>One entry of a list: its RowKey (the list's order) and the summary it carries.</summary>
internal readonly record struct IndexEntry(string RowKey, ArticleSummary Summary);
