using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ContentPipeline.Articles;
using ContentPipeline.Storage;

namespace ContentPipeline.Tests.Storage;

public class ArticleEntityCodecTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void EncodeThenDecode_RoundTripsEveryField()
    {
        var stored = Sample(body: "# Heading\n\nBody with émoji 😀.");
        var keys = IndexPartitions.For(stored.Article, DateTimeOffset.UtcNow);

        var row = ArticleEntityCodec.Decode(ArticleEntityCodec.Encode(stored, keys, [], indexSynced: true, bodyBlobName: null));

        Assert.Equal(Json(stored), Json(row.Stored));
        Assert.Equal(keys, row.IndexKeys);
        Assert.Empty(row.StaleIndexKeys);
        Assert.True(row.IndexSynced);
        Assert.Null(row.BodyBlobName);
    }

    [Fact]
    public void EncodeThenDecode_RoundTripsTheSchedule_AndATombstone()
    {
        var stored = Sample(body: null) with
        {
            Article = Sample(body: null).Article with { PublishAt = Now.AddDays(1), ExpiresAt = Now.AddDays(30) },
            Takedown = new Takedown(Now, "key:0123456789ab", "Court order"),
            RemovedAt = Now,
        };

        var decoded = ArticleEntityCodec.Decode(ArticleEntityCodec.Encode(stored, [], [], indexSynced: true, bodyBlobName: null)).Stored;

        Assert.Equal(stored.Takedown, decoded.Takedown);
        Assert.Equal(stored.RemovedAt, decoded.RemovedAt);
        Assert.Equal(stored.Article.PublishAt, decoded.Article.PublishAt);
        Assert.Equal(stored.Article.ExpiresAt, decoded.Article.ExpiresAt);
    }

    [Fact]
    public void Encode_StringsLongerThanAProperty_AreSplitWithoutBreakingSurrogatePairs()
    {
        // 31,999 ASCII characters then emoji: a naive split at 32,000 would cut the first emoji in half.
        var body = new string('a', 31_999) + string.Concat(Enumerable.Repeat("😀", 20_000));
        var stored = Sample(body: body);

        var entity = ArticleEntityCodec.Encode(stored, [], [], indexSynced: true, bodyBlobName: null);

        var chunks = entity.Keys.Where(k => k == "Body" || k.StartsWith("Body_", StringComparison.Ordinal) && k != "Body_Chunks").ToList();
        Assert.Equal(3, chunks.Count);
        Assert.All(chunks, k => Assert.True(((string)entity[k]).Length <= EntityText.MaxChunkChars));
        Assert.All(chunks, k => Assert.False(char.IsHighSurrogate(((string)entity[k])[^1])));
        Assert.Equal(body, ArticleEntityCodec.Decode(entity).Stored.Article.Body);
    }

    [Fact]
    public void Fits_RejectsEntitiesOverTheSizeBudget()
    {
        var small = ArticleEntityCodec.Encode(Sample(body: "short"), [], [], true, null);
        var large = ArticleEntityCodec.Encode(Sample(body: new string('x', 520_000)), [], [], true, null);

        Assert.True(EntityText.Fits(small));
        Assert.False(EntityText.Fits(large)); // 1,040,000 bytes as UTF-16
        Assert.True(EntityText.EstimateBytes(large) > 1_040_000);
    }

    [Fact]
    public void Fits_RejectsEntitiesWithTooManyProperties()
    {
        var entity = new TableEntity("p", "r");
        for (var i = 0; i < 253; i++)
        {
            entity[$"P{i}"] = i;
        }

        Assert.False(EntityText.Fits(entity));
        entity.Remove("P0");
        Assert.True(EntityText.Fits(entity));
    }

    [Fact]
    public void Encode_WithBodyBlob_StoresTheReferenceNotTheBody()
    {
        var entity = ArticleEntityCodec.Encode(Sample(body: "body"), [], [], true, "abc/hash.md");

        Assert.False(entity.ContainsKey("Body"));
        var row = ArticleEntityCodec.Decode(entity);
        Assert.Equal("abc/hash.md", row.BodyBlobName);
        Assert.Null(row.Stored.Article.Body);
    }

    [Fact]
    public void SyncedPatch_ResetsStaleKeysEvenWhenTheyWereChunked()
    {
        var manyStale = Enumerable.Range(0, 2_000).Select(i => new IndexKey($"published|topic|t{i}", "0000000000000000000|id")).ToList();
        var entity = ArticleEntityCodec.Encode(Sample(body: null), [], manyStale, false, null);
        Assert.True(entity.GetInt32("StaleIndexKeys_Chunks") > 1);

        foreach (var (key, value) in ArticleEntityCodec.SyncedPatch(entity.PartitionKey))
        {
            entity[key] = value; // what a Merge update does
        }

        var row = ArticleEntityCodec.Decode(entity);
        Assert.Empty(row.StaleIndexKeys);
        Assert.True(row.IndexSynced);
    }

    [Fact]
    public void Summary_RoundTripsAndCarriesNoSecretOrBody()
    {
        var stored = Sample(body: "secret body");
        var summary = ArticleSummary.From(stored);

        var entity = ArticleEntityCodec.EncodeSummary(summary, new IndexKey("published", "0|x"));

        Assert.DoesNotContain(entity.Select(p => p.Value), v => v is string s && (s.Contains("c2VjcmV0", StringComparison.Ordinal) || s.Contains("secret body", StringComparison.Ordinal)));
        Assert.Equal(Json(summary), Json(ArticleEntityCodec.DecodeSummary(entity)));
        Assert.Equal("https://example.org/a.jpg", summary.Image?.Url);
    }

    [Fact]
    public void Summaries_OneEntityPerKey_EachItsOwnCopyOfTheSameFields()
    {
        var summary = ArticleSummary.From(Sample(body: null));
        IndexKey[] keys = [new("published", "1|x"), new("published|topic|ai", "1|x"), new("drafts", "2|x")];

        var entities = ArticleEntityCodec.EncodeSummaries(summary, keys).ToList();

        Assert.Equal(keys, entities.Select(e => new IndexKey(e.PartitionKey, e.RowKey)));
        var single = ArticleEntityCodec.EncodeSummary(summary, keys[0]);
        Assert.All(entities, e => Assert.Equal(single.Where(p => p.Key is not ("PartitionKey" or "RowKey")).OrderBy(p => p.Key), e.Where(p => p.Key is not ("PartitionKey" or "RowKey")).OrderBy(p => p.Key)));
        entities[1]["Title"] = "changed";
        Assert.NotEqual("changed", entities[0].GetString("Title"));
        Assert.NotEqual("changed", entities[2].GetString("Title"));
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, ArticleJson.Options);

    internal static StoredArticle Sample(string? body) => new()
    {
        Article = new Article
        {
            Id = ArticleId.FromUrl(new Uri("https://example.org/a")),
            Category = "News",
            Title = "Title with \"quotes\" & <tags>",
            Excerpt = "Excerpt",
            PublishedDateTime = new DateTimeOffset(2024, 5, 1, 12, 30, 15, TimeSpan.Zero),
            OriginalUrl = "https://example.org/a",
            WebUrl = "https://example.org/a?ref=1",
            Type = "article",
            Quality = 24,
            Heat = -1,
            Published = true,
            Provider = new ArticleProvider { Name = "Example", Domain = "example.org", Extensions = new JsonObject { ["country"] = "IT" } },
            Topics = ["AI", "Computer Vision"],
            Images = [new ArticleImage { Url = "https://example.org/a.jpg", Width = 10, Height = 20, IsCached = true, Extensions = new JsonObject { ["alt"] = "x" } }],
            Related = [new RelatedArticle { Title = "R", WebUrl = "https://example.net/r", PublishedDateTime = new DateTimeOffset(2024, 5, 2, 0, 0, 0, TimeSpan.Zero), Quality = 3 }],
            Secured = "c2VjcmV0+/==;aXY=",
            Body = body,
            Extensions = new JsonObject { ["score"] = 1.5, ["tags"] = new JsonArray("a", "b") },
        },
        ContentHash = "hash",
        Source = new ArticleSource("a.txt", "\"0x1\"", Now),
        PublishedSetBy = PublishStateSource.Editor,
        PublishedChangedAt = Now,
        CreatedAt = Now,
        UpdatedAt = Now,
        Version = 3,
    };
}
