namespace ContentPipeline.Storage;

/// <summary>The key of one index entry.</summary>
public readonly record struct IndexKey(string PartitionKey, string RowKey);
