using Azure.Data.Tables;

namespace ContentPipeline.Storage;

/// <summary>
/// Table Storage rules the service enforces and Azurite does not all enforce: strings of at most 32K UTF-16
/// characters, at most 252 own properties, at most 1 MiB per entity. Long strings are split over numbered
/// properties (<c>Name</c>, <c>Name_1</c>, …, with <c>Name_Chunks</c> holding the count), never cut.
/// </summary>
internal static class EntityText
{
    /// <summary>Characters per string property (the service's limit is 32,768).</summary>
    public const int MaxChunkChars = 32_000;

    /// <summary>Own properties an entity may have (255 minus PartitionKey, RowKey and Timestamp).</summary>
    public const int MaxOwnProperties = 252;

    /// <summary>The size budget we allow ourselves, below the service's 1 MiB to leave room for the estimate's error.</summary>
    public const int MaxEntityBytes = 1_000_000;

    private const string ChunksSuffix = "_Chunks";

    public static void Set(TableEntity entity, string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length <= MaxChunkChars)
        {
            entity[name] = value;
            return;
        }

        var chunk = 0;
        for (var start = 0; start < value.Length; chunk++)
        {
            var length = Math.Min(MaxChunkChars, value.Length - start);
            if (start + length < value.Length && char.IsHighSurrogate(value[start + length - 1]))
            {
                length--; // never split a surrogate pair across two properties
            }

            entity[chunk == 0 ? name : $"{name}_{chunk}"] = value.Substring(start, length);
            start += length;
        }

        entity[name + ChunksSuffix] = chunk;
    }

    public static string? Get(TableEntity entity, string name)
    {
        var first = entity.GetString(name);
        var chunks = entity.GetInt32(name + ChunksSuffix) ?? 1;
        if (first is null || chunks <= 1)
        {
            return first;
        }

        var parts = new string[chunks];
        parts[0] = first;
        for (var i = 1; i < chunks; i++)
        {
            parts[i] = entity.GetString($"{name}_{i}") ?? throw new InvalidDataException($"Entity {entity.PartitionKey}/{entity.RowKey} lacks chunk {i} of {name}.");
        }

        return string.Concat(parts);
    }

    /// <summary>Marks <paramref name="name"/> as one chunk, for merge updates that shorten a value.</summary>
    public static void SetSingle(TableEntity entity, string name, string value)
    {
        entity[name] = value;
        entity[name + ChunksSuffix] = 1;
    }

    /// <summary>The service's size formula: 4 + 2·len(keys) + Σ (8 + 2·len(name) + size of value).</summary>
    public static long EstimateBytes(TableEntity entity)
    {
        long size = 4 + (2L * (entity.PartitionKey.Length + entity.RowKey.Length));
        foreach (var (key, value) in entity)
        {
            if (key is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")
            {
                continue;
            }

            size += 8 + (2L * key.Length) + value switch
            {
                string s => 4 + (2L * s.Length),
                byte[] b => 4 + b.Length,
                bool => 1,
                int => 4,
                long or double or DateTime or DateTimeOffset => 8,
                Guid => 16,
                _ => 8,
            };
        }

        return size;
    }

    public static int OwnPropertyCount(TableEntity entity) =>
        entity.Keys.Count(static k => k is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag"));

    public static bool Fits(TableEntity entity) =>
        OwnPropertyCount(entity) <= MaxOwnProperties && EstimateBytes(entity) <= MaxEntityBytes;
}
