using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ContentPipeline.Articles;

namespace ContentPipeline.Storage;

/// <summary>
/// Maps articles and summaries to table entities and back. Scalars are columns (readable in Storage Explorer);
/// nested data (provider, topics, images, related, unknown fields) is JSON; long strings are chunked by <see cref="EntityText"/>.
/// </summary>
internal static class ArticleEntityCodec
{
    public static TableEntity Encode(StoredArticle stored, IReadOnlyList<IndexKey> indexKeys, IReadOnlyList<IndexKey> staleKeys, bool indexSynced, string? bodyBlobName)
    {
        var a = stored.Article;
        var entity = new TableEntity(a.Id, StorageNames.ArticleRowKey)
        {
            [Props.Category] = a.Category,
            [Props.PublishedDateTime] = a.PublishedDateTime,
            [Props.Published] = a.Published,
            [Props.PublishAt] = a.PublishAt,
            [Props.ExpiresAt] = a.ExpiresAt,
            [Props.ContentHash] = stored.ContentHash,
            [Props.SourceETag] = stored.Source.ETag,
            [Props.SourceLastModified] = stored.Source.LastModified,
            [Props.PublishedSetBy] = stored.PublishedSetBy.ToString(),
            [Props.PublishedChangedAt] = stored.PublishedChangedAt,
            [Props.CreatedAt] = stored.CreatedAt,
            [Props.UpdatedAt] = stored.UpdatedAt,
            [Props.Version] = stored.Version,
            [Props.IndexSynced] = indexSynced,
        };
        SetOptional(entity, Props.Quality, a.Quality);
        SetOptional(entity, Props.Heat, a.Heat);
        if (stored.Takedown is { } takedown)
        {
            entity[Props.TakenDownAt] = takedown.At;
            entity[Props.TakenDownBy] = takedown.By;
            EntityText.Set(entity, Props.TakedownReason, takedown.Reason);
        }

        if (stored.RemovedAt is { } removedAt)
        {
            entity[Props.RemovedAt] = removedAt;
        }

        EntityText.Set(entity, Props.Title, a.Title);
        EntityText.Set(entity, Props.Excerpt, a.Excerpt);
        EntityText.Set(entity, Props.OriginalUrl, a.OriginalUrl);
        EntityText.Set(entity, Props.WebUrl, a.WebUrl);
        EntityText.Set(entity, Props.Type, a.Type);
        EntityText.Set(entity, Props.Secured, a.Secured);
        EntityText.Set(entity, Props.SourceBlobName, stored.Source.BlobName);
        EntityText.Set(entity, Props.Provider, Json(a.Provider));
        EntityText.Set(entity, Props.Topics, a.Topics.Count == 0 ? null : Json(a.Topics));
        EntityText.Set(entity, Props.Images, a.Images.Count == 0 ? null : Json(a.Images));
        EntityText.Set(entity, Props.Related, a.Related.Count == 0 ? null : Json(a.Related));
        EntityText.Set(entity, Props.Extensions, Json(a.Extensions));
        EntityText.Set(entity, Props.IndexKeys, JsonKeys(indexKeys));
        EntityText.Set(entity, Props.StaleIndexKeys, JsonKeys(staleKeys));
        if (bodyBlobName is not null)
        {
            entity[Props.BodyBlob] = bodyBlobName;
        }
        else
        {
            EntityText.Set(entity, Props.Body, a.Body);
            EntityText.Set(entity, Props.Html, stored.Html);
        }

        return entity;
    }

    public static ArticleRow Decode(TableEntity entity)
    {
        var article = new Article
        {
            Id = entity.PartitionKey,
            Category = entity.GetString(Props.Category),
            Title = EntityText.Get(entity, Props.Title) ?? string.Empty,
            Excerpt = EntityText.Get(entity, Props.Excerpt),
            PublishedDateTime = Date(entity, Props.PublishedDateTime),
            OriginalUrl = EntityText.Get(entity, Props.OriginalUrl),
            WebUrl = EntityText.Get(entity, Props.WebUrl) ?? string.Empty,
            Type = EntityText.Get(entity, Props.Type),
            Quality = entity.GetInt32(Props.Quality),
            Heat = entity.GetInt32(Props.Heat),
            Published = entity.GetBoolean(Props.Published) ?? false,
            PublishAt = OptionalDate(entity, Props.PublishAt),
            ExpiresAt = OptionalDate(entity, Props.ExpiresAt),
            Provider = FromJson<ArticleProvider>(entity, Props.Provider),
            Topics = FromJson<List<string>>(entity, Props.Topics) ?? [],
            Images = FromJson<List<ArticleImage>>(entity, Props.Images) ?? [],
            Related = FromJson<List<RelatedArticle>>(entity, Props.Related) ?? [],
            Secured = EntityText.Get(entity, Props.Secured),
            Body = EntityText.Get(entity, Props.Body),
            Extensions = FromJson<JsonObject>(entity, Props.Extensions),
        };
        var stored = new StoredArticle
        {
            Article = article,
            Html = EntityText.Get(entity, Props.Html),
            ContentHash = entity.GetString(Props.ContentHash),
            Source = new ArticleSource(
                EntityText.Get(entity, Props.SourceBlobName) ?? string.Empty,
                entity.GetString(Props.SourceETag) ?? string.Empty,
                Date(entity, Props.SourceLastModified)),
            PublishedSetBy = Enum.Parse<PublishStateSource>(entity.GetString(Props.PublishedSetBy)),
            PublishedChangedAt = Date(entity, Props.PublishedChangedAt),
            CreatedAt = Date(entity, Props.CreatedAt),
            UpdatedAt = Date(entity, Props.UpdatedAt),
            Version = entity.GetInt64(Props.Version) ?? 0,
            BodyBlobName = entity.GetString(Props.BodyBlob),
            Takedown = OptionalDate(entity, Props.TakenDownAt) is { } takenDownAt
                ? new Takedown(takenDownAt, entity.GetString(Props.TakenDownBy) ?? string.Empty, EntityText.Get(entity, Props.TakedownReason))
                : null,
            RemovedAt = OptionalDate(entity, Props.RemovedAt),
        };
        return new ArticleRow(
            stored,
            FromJsonKeys(EntityText.Get(entity, Props.IndexKeys)),
            FromJsonKeys(EntityText.Get(entity, Props.StaleIndexKeys)),
            entity.GetBoolean(Props.IndexSynced) ?? false,
            entity.GetString(Props.BodyBlob),
            entity.ETag);
    }

    /// <summary>The merge patch that records a finished index update.</summary>
    public static TableEntity SyncedPatch(string id)
    {
        var patch = new TableEntity(id, StorageNames.ArticleRowKey) { [Props.IndexSynced] = true };
        EntityText.SetSingle(patch, Props.StaleIndexKeys, "[]");
        return patch;
    }

    /// <summary>The index entries of one summary under each key: encoded once, copied per key.</summary>
    public static IEnumerable<TableEntity> EncodeSummaries(ArticleSummary summary, IEnumerable<IndexKey> keys)
    {
        TableEntity? template = null;
        foreach (var key in keys)
        {
            yield return template is null
                ? template = EncodeSummary(summary, key)
                : new TableEntity(template) { PartitionKey = key.PartitionKey, RowKey = key.RowKey };
        }
    }

    public static TableEntity EncodeSummary(ArticleSummary summary, IndexKey key)
    {
        var entity = new TableEntity(key.PartitionKey, key.RowKey)
        {
            [Props.ArticleId] = summary.Id,
            [Props.Category] = summary.Category,
            [Props.PublishedDateTime] = summary.PublishedDateTime,
            [Props.Published] = summary.Published,
            [Props.PublishAt] = summary.PublishAt,
            [Props.ExpiresAt] = summary.ExpiresAt,
            [Props.UpdatedAt] = summary.UpdatedAt,
        };
        SetOptional(entity, Props.Quality, summary.Quality);
        SetOptional(entity, Props.Heat, summary.Heat);
        EntityText.Set(entity, Props.Title, summary.Title);
        EntityText.Set(entity, Props.Excerpt, summary.Excerpt);
        EntityText.Set(entity, Props.WebUrl, summary.WebUrl);
        EntityText.Set(entity, Props.Type, summary.Type);
        EntityText.Set(entity, Props.Provider, Json(summary.Provider));
        EntityText.Set(entity, Props.Topics, summary.Topics.Count == 0 ? null : Json(summary.Topics));
        EntityText.Set(entity, Props.Image, Json(summary.Image));
        EntityText.Set(entity, Props.Html, summary.ContentHtml);
        return entity;
    }

    /// <summary>
    /// The columns a list page reads: every summary column but the rendered body, which only the feeds need. (None of
    /// them is ever chunked: the parser's limits keep each under the 32,000 characters of one property.)
    /// </summary>
    public static IReadOnlyList<string> ListColumns { get; } =
    [
        "PartitionKey", "RowKey", Props.ArticleId, Props.Category, Props.PublishedDateTime, Props.Published, Props.PublishAt, Props.ExpiresAt, Props.UpdatedAt, Props.Quality, Props.Heat,
        Props.Title, Props.Excerpt, Props.WebUrl, Props.Type, Props.Provider, Props.Topics, Props.Image,
    ];

    /// <summary>The columns of an entry's <see cref="ArticleLink"/> (what a sitemap reads of a whole list).</summary>
    public static IReadOnlyList<string> LinkColumns { get; } =
        [Props.ArticleId, Props.Title, Props.WebUrl, Props.PublishedDateTime, Props.UpdatedAt, Props.Published, Props.PublishAt, Props.ExpiresAt];

    public static ArticleLink DecodeLink(TableEntity entity) => new(
        entity.GetString(Props.ArticleId),
        EntityText.Get(entity, Props.Title) ?? string.Empty,
        EntityText.Get(entity, Props.WebUrl) ?? string.Empty,
        Date(entity, Props.PublishedDateTime),
        Date(entity, Props.UpdatedAt),
        entity.GetBoolean(Props.Published) ?? false,
        OptionalDate(entity, Props.PublishAt),
        OptionalDate(entity, Props.ExpiresAt));

    /// <summary>The columns of an article's <see cref="ArticleStamp"/>: a few hundred bytes instead of the whole entity.</summary>
    public static IReadOnlyList<string> StampColumns { get; } =
        [Props.Version, Props.Published, Props.PublishAt, Props.ExpiresAt, Props.TakenDownAt, Props.RemovedAt];

    public static ArticleStamp DecodeStamp(TableEntity entity) => new(
        entity.GetInt64(Props.Version) ?? 0,
        entity.GetBoolean(Props.Published) ?? false,
        OptionalDate(entity, Props.PublishAt),
        OptionalDate(entity, Props.ExpiresAt),
        TakenDown: OptionalDate(entity, Props.TakenDownAt) is not null,
        Removed: OptionalDate(entity, Props.RemovedAt) is not null);

    public static ArticleSummary DecodeSummary(TableEntity entity) => new()
    {
        Id = entity.GetString(Props.ArticleId),
        Title = EntityText.Get(entity, Props.Title) ?? string.Empty,
        Excerpt = EntityText.Get(entity, Props.Excerpt),
        PublishedDateTime = Date(entity, Props.PublishedDateTime),
        Category = entity.GetString(Props.Category),
        Topics = FromJson<List<string>>(entity, Props.Topics) ?? [],
        Provider = FromJson<ArticleProvider>(entity, Props.Provider),
        WebUrl = EntityText.Get(entity, Props.WebUrl) ?? string.Empty,
        Type = EntityText.Get(entity, Props.Type),
        Quality = entity.GetInt32(Props.Quality),
        Heat = entity.GetInt32(Props.Heat),
        Image = FromJson<ArticleImage>(entity, Props.Image),
        ContentHtml = EntityText.Get(entity, Props.Html),
        Published = entity.GetBoolean(Props.Published) ?? false,
        PublishAt = OptionalDate(entity, Props.PublishAt),
        ExpiresAt = OptionalDate(entity, Props.ExpiresAt),
        UpdatedAt = Date(entity, Props.UpdatedAt),
    };

    private static void SetOptional(TableEntity entity, string name, int? value)
    {
        if (value is { } v)
        {
            entity[name] = v;
        }
    }

    private static DateTimeOffset? OptionalDate(TableEntity entity, string name) => entity.GetDateTimeOffset(name)?.ToUniversalTime();

    private static DateTimeOffset Date(TableEntity entity, string name) =>
        entity.GetDateTimeOffset(name)?.ToUniversalTime() ?? throw new InvalidDataException($"Entity {entity.PartitionKey}/{entity.RowKey} lacks {name}.");

    private static string? Json<T>(T? value) =>
        value is null ? null : JsonSerializer.Serialize(value, ArticleJson.Options);

    private static T? FromJson<T>(TableEntity entity, string name) =>
        EntityText.Get(entity, name) is { } json ? JsonSerializer.Deserialize<T>(json, ArticleJson.Options) : default;

    private static string JsonKeys(IReadOnlyList<IndexKey> keys) =>
        JsonSerializer.Serialize(keys.Select(static k => new[] { k.PartitionKey, k.RowKey }), ArticleJson.Options);

    private static List<IndexKey> FromJsonKeys(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize<string[][]>(json, ArticleJson.Options)!.Select(static k => new IndexKey(k[0], k[1])).ToList();

    /// <summary>Entity property names (columns).</summary>
    internal static class Props
    {
        public const string ArticleId = nameof(ArticleId);
        public const string Category = nameof(Category);
        public const string Title = nameof(Title);
        public const string Excerpt = nameof(Excerpt);
        public const string PublishedDateTime = nameof(PublishedDateTime);
        public const string OriginalUrl = nameof(OriginalUrl);
        public const string WebUrl = nameof(WebUrl);
        public const string Type = nameof(Type);
        public const string Quality = nameof(Quality);
        public const string Heat = nameof(Heat);
        public const string Published = nameof(Published);
        public const string PublishAt = nameof(PublishAt);
        public const string ExpiresAt = nameof(ExpiresAt);
        public const string Provider = nameof(Provider);
        public const string Topics = nameof(Topics);
        public const string Images = nameof(Images);
        public const string Image = nameof(Image);
        public const string Related = nameof(Related);
        public const string Secured = nameof(Secured);
        public const string Body = nameof(Body);
        public const string Html = nameof(Html);
        public const string BodyBlob = nameof(BodyBlob);
        public const string Extensions = nameof(Extensions);
        public const string ContentHash = nameof(ContentHash);
        public const string SourceBlobName = nameof(SourceBlobName);
        public const string SourceETag = nameof(SourceETag);
        public const string SourceLastModified = nameof(SourceLastModified);
        public const string PublishedSetBy = nameof(PublishedSetBy);
        public const string PublishedChangedAt = nameof(PublishedChangedAt);
        public const string CreatedAt = nameof(CreatedAt);
        public const string UpdatedAt = nameof(UpdatedAt);
        public const string Version = nameof(Version);
        public const string IndexKeys = nameof(IndexKeys);
        public const string StaleIndexKeys = nameof(StaleIndexKeys);
        public const string IndexSynced = nameof(IndexSynced);
        public const string TakenDownAt = nameof(TakenDownAt);
        public const string TakenDownBy = nameof(TakenDownBy);
        public const string TakedownReason = nameof(TakedownReason);
        public const string RemovedAt = nameof(RemovedAt);
    }
}
