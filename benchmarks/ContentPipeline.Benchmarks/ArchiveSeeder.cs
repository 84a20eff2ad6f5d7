using Azure.Data.Tables;
using ContentPipeline.Articles;
using ContentPipeline.Parsing;
using ContentPipeline.Storage;

namespace ContentPipeline.Benchmarks;

/// <summary>
/// Fills an archive fast, as the ingest would have left it but without its path: article entities, index entries and
/// catalog rows written raw (entries in full transactions per partition), many requests in flight.
/// </summary>
public static class ArchiveSeeder
{
    private const int ChunkSize = 1_000;
    private const int InFlight = 16;

    /// <summary>Seeds <paramref name="count"/> published articles (the same first ones for every count); returns their ids.</summary>
    public static async Task<IReadOnlyList<string>> SeedAsync(TableServiceClient tables, int count)
    {
        var parser = new FrontMatterParser(new FrontMatterLimits());
        var articles = tables.GetTableClient(StorageNames.ArticlesTable);
        var index = tables.GetTableClient(StorageNames.IndexTable);
        var ids = new List<string>(count);
        var lists = new HashSet<string>(StringComparer.Ordinal);
        for (var first = 0; first < count; first += ChunkSize)
        {
            var entities = new List<TableEntity>();
            var entries = new List<TableEntity>();
            foreach (var document in Corpus.Generate(Math.Min(ChunkSize, count - first), seed: 1_000 + (first / ChunkSize), firstIndex: first))
            {
                var article = parser.Parse(document.Bytes, document.Name).Article!;
                var stored = Corpus.Stored(article, document.Name, ArticleJson.ContentHash(article));
                var keys = IndexPartitions.For(article, DateTimeOffset.UtcNow);
                entities.Add(ArticleEntityCodec.Encode(stored, keys, [], true, null));
                entries.AddRange(ArticleEntityCodec.EncodeSummaries(ArticleSummary.From(stored), keys));
                lists.UnionWith(keys.Select(k => k.PartitionKey).Where(p => IndexPartitions.TryParseList(p, out _)));
                ids.Add(article.Id);
            }

            await Parallel.ForEachAsync(entities, new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (e, ct) =>
                await articles.UpsertEntityAsync(e, TableUpdateMode.Replace, ct));
            await Parallel.ForEachAsync(Batches(entries), new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (batch, ct) =>
                await index.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct));
        }

        foreach (var batch in Batches(lists.Select(list => new TableEntity(IndexPartitions.Catalog, list))))
        {
            await index.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)));
        }

        return ids;
    }

    /// <summary>Entities in transactions as full as the service allows (one partition each, at most 100).</summary>
    public static IEnumerable<TableEntity[]> Batches(IEnumerable<TableEntity> entities) =>
        entities.GroupBy(e => e.PartitionKey).SelectMany(g => g.DistinctBy(e => e.RowKey).Chunk(GroupCommitWriter.MaxBatchOperations));
}
