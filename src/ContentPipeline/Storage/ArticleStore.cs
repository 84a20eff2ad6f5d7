using System.Net;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using ContentPipeline.Articles;
using Microsoft.Extensions.Logging;

namespace ContentPipeline.Storage;

/// <summary>
/// Stores articles and keeps their index entries in step. The article entity is the journal: a change is committed
/// to it first (with an ETag condition, so concurrent writers serialise), together with the index keys it should have
/// and the stale ones to remove, and <c>IndexSynced = false</c>. Then the index entries are written and the flag set,
/// again under the ETag. A crash between the two leaves the flag false; the next save of the article (a re-upload, a
/// duplicate delivery, an editor's toggle) or <see cref="RepairAsync"/> finishes the job. A writer that loses an ETag
/// race re-reads and re-applies the index from the winner's version, so concurrent deliveries converge.
/// </summary>
public sealed partial class ArticleStore
{
    private const int MaxAttempts = 10;

    private readonly TableClient _articles;
    private readonly GroupCommitWriter _index;
    private readonly BlobContainerClient _bodies;
    private readonly TimeProvider _time;
    private readonly ILogger<ArticleStore> _logger;

    /// <summary>Creates the store over the pipeline's tables and bodies container.</summary>
    public ArticleStore(TableServiceClient tables, BlobServiceClient blobs, TimeProvider time, ILogger<ArticleStore> logger)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(blobs);
        _articles = tables.GetTableClient(StorageNames.ArticlesTable);
        _index = new GroupCommitWriter(tables.GetTableClient(StorageNames.IndexTable));
        _bodies = blobs.GetBlobContainerClient(StorageNames.BodiesContainer);
        _time = time;
        _logger = logger;
    }

    /// <summary>Reads one article (one table read; one blob read more only when its body lives in blob storage).</summary>
    public async Task<StoredArticle?> GetAsync(string id, bool includeBody, CancellationToken cancellationToken)
    {
        var row = await ReadAsync(id, cancellationToken).ConfigureAwait(false);
        return row is null ? null : includeBody ? await IncludeBodyAsync(row.Stored, cancellationToken).ConfigureAwait(false) : row.Stored;
    }

    /// <summary>
    /// Loads the body of an article read without it, when the body lives in blob storage. Returns null when the article
    /// was deleted meanwhile.
    /// </summary>
    /// <exception cref="ArticleBodyMissingException">The article names a body blob that does not exist.</exception>
    public async Task<StoredArticle?> IncludeBodyAsync(StoredArticle stored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (stored.BodyBlobName is null || stored.Article.Body is not null)
        {
            return stored;
        }

        try
        {
            var body = await _bodies.GetBlobClient(stored.BodyBlobName).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return stored with { Article = stored.Article with { Body = body.Value.Content.ToString() } };
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            // A re-upload replaced the body (and removed the old blob) after the entity was read: read the article again.
            var again = await GetAsync(stored.Article.Id, includeBody: false, cancellationToken).ConfigureAwait(false);
            if (again is null)
            {
                return null;
            }

            if (again.BodyBlobName == stored.BodyBlobName)
            {
                throw new ArticleBodyMissingException($"The body of article {stored.Article.Id} ({StorageNames.BodiesContainer}/{stored.BodyBlobName}) is missing; upload the article's file again.", ex);
            }

            return await IncludeBodyAsync(again, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stores an uploaded article. Idempotent: the same content again writes nothing; an older upload than the one
    /// stored is ignored; a publish state set by an editor is kept.
    /// </summary>
    /// <param name="article">The parsed article.</param>
    /// <param name="source">The blob version it was read from.</param>
    /// <param name="currentSourceETag">
    /// Reads the source blob's current ETag (null if gone). Called only to order two versions of one blob that share a
    /// Last-Modified second, which the header's one-second resolution cannot order.
    /// </param>
    /// <param name="cancellationToken">Cancels the save.</param>
    public Task<SaveResult> SaveUploadAsync(Article article, ArticleSource source, Func<CancellationToken, Task<string?>> currentSourceETag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(article);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(currentSourceETag);
        var hash = ArticleJson.ContentHash(article);
        return ApplyAsync(
            article.Id,
            async (current, isRetry, ct) => DecideUpload(current, article, source, hash, await IsNewerAsync(current, source, isRetry, currentSourceETag, ct).ConfigureAwait(false)),
            cancellationToken,
            insertFirst: true);
    }

    /// <summary>
    /// An editor's publish or unpublish. Idempotent (the same state again is <see cref="SaveOutcome.Unchanged"/> and
    /// writes nothing); with <paramref name="versionMatches"/> (an HTTP <c>If-Match</c>), refuses with
    /// <see cref="SaveOutcome.VersionMismatch"/> unless the current version passes, checked under the entity's ETag so
    /// that of two toggles sent with the same version exactly one wins. The state set here belongs to the editor:
    /// re-uploads of the article keep it.
    /// </summary>
    public Task<SaveResult> SetPublishedAsync(string id, bool published, Func<long, bool>? versionMatches, CancellationToken cancellationToken)
    {
        return ApplyAsync(id, (current, _, _) =>
        {
            if (current is null)
            {
                return ValueTask.FromResult(Decision.Keep(SaveOutcome.NotFound));
            }

            var stored = current.Stored;
            if (versionMatches is not null && !versionMatches(stored.Version))
            {
                return ValueTask.FromResult(Decision.Keep(SaveOutcome.VersionMismatch));
            }

            if (stored.Article.Published == published)
            {
                return ValueTask.FromResult(Decision.Keep(SaveOutcome.Unchanged));
            }

            var now = _time.GetUtcNow();
            return ValueTask.FromResult(Decision.Write(SaveOutcome.Updated, stored with
            {
                Article = stored.Article with { Published = published },
                PublishedSetBy = PublishStateSource.Editor,
                PublishedChangedAt = now,
                UpdatedAt = now,
                Version = stored.Version + 1,
            }));
        }, cancellationToken);
    }

    /// <summary>Finishes the index updates of every article whose last save was interrupted. Returns how many it mended.</summary>
    public async Task<int> RepairAsync(CancellationToken cancellationToken)
    {
        var mended = 0;
        var filter = $"{ArticleEntityCodec.Props.IndexSynced} eq false"; // constants only: nothing to escape
        await foreach (var entity in _articles.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            await ApplyAsync(entity.PartitionKey, static (_, _, _) => ValueTask.FromResult(Decision.Keep(SaveOutcome.Unchanged)), cancellationToken).ConfigureAwait(false);
            mended++;
        }

        return mended;
    }

    private Decision DecideUpload(ArticleRow? current, Article article, ArticleSource source, string hash, bool isNewer)
    {
        var now = _time.GetUtcNow();
        if (current is null)
        {
            return Decision.Write(SaveOutcome.Created, new StoredArticle
            {
                Article = article,
                ContentHash = hash,
                Source = source,
                PublishedSetBy = PublishStateSource.Upload,
                PublishedChangedAt = now,
                CreatedAt = now,
                UpdatedAt = now,
                Version = 1,
            });
        }

        var stored = current.Stored;
        if (stored.ContentHash == hash && stored.Source.BlobName == source.BlobName)
        {
            return Decision.Keep(SaveOutcome.Unchanged);
        }

        if (!isNewer)
        {
            return Decision.Keep(SaveOutcome.Stale);
        }

        var editorOwnsState = stored.PublishedSetBy == PublishStateSource.Editor;
        var published = editorOwnsState ? stored.Article.Published : article.Published;
        var contentChanged = stored.ContentHash != hash;
        return Decision.Write(SaveOutcome.Updated, stored with
        {
            Article = article with { Published = published },
            ContentHash = hash,
            Source = source,
            PublishedChangedAt = published == stored.Article.Published ? stored.PublishedChangedAt : now,
            UpdatedAt = contentChanged ? now : stored.UpdatedAt,
            Version = stored.Version + 1,
        });
    }

    /// <summary>
    /// Whether <paramref name="incoming"/> is a newer upload than the stored one. Last-Modified decides when it differs.
    /// Within one second (its resolution): for the same blob, the version that is still the blob's current one is newer;
    /// for two blobs, the later delivery wins on its first attempt, and a writer that lost a race to a tied version
    /// yields, so concurrent deliveries settle on one winner instead of taking turns.
    /// </summary>
    private static async Task<bool> IsNewerAsync(ArticleRow? current, ArticleSource incoming, bool isRetry, Func<CancellationToken, Task<string?>> currentSourceETag, CancellationToken cancellationToken)
    {
        if (current is null)
        {
            return true;
        }

        var stored = current.Stored.Source;
        var order = incoming.LastModified.CompareTo(stored.LastModified);
        if (order != 0)
        {
            return order > 0;
        }

        if (stored.BlobName == incoming.BlobName)
        {
            return stored.ETag != incoming.ETag && await currentSourceETag(cancellationToken).ConfigureAwait(false) == incoming.ETag;
        }

        return !isRetry;
    }

    /// <summary>
    /// The one write path: read, decide, commit under the ETag, bring the index in step, mark it done. With
    /// <paramref name="insertFirst"/> (uploads, which are mostly new articles) the first round skips the read and tries
    /// to insert: one request instead of two for a new article, one more for an existing one (the insert is refused).
    /// </summary>
    private async Task<SaveResult> ApplyAsync(string id, Func<ArticleRow?, bool, CancellationToken, ValueTask<Decision>> decide, CancellationToken cancellationToken, bool insertFirst = false)
    {
        var mustResync = false;
        var lostRace = false;
        SaveOutcome? committedOutcome = null;

        // Every index key this call upserted. A slow upsert can land after a concurrent writer deleted that entry (an
        // unpublish, say); whoever re-applies the index afterwards must remove what it wrote and the article no longer has.
        var written = new HashSet<IndexKey>();
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var guessNew = insertFirst && attempt == 1;
            var current = guessNew ? null : await ReadAsync(id, cancellationToken).ConfigureAwait(false);
            if (insertFirst && attempt == 2 && committedOutcome is null && current is { IndexSynced: false })
            {
                // Our insert was refused by an article whose save is still under way: that is a race lost, as if we
                // had read first and lost the insert (a writer that loses a race to a tied version yields).
                lostRace = true;
            }

            // Once our change is committed, later rounds only bring the index in step: the change is not decided again
            // (a version check would now fail against our own write), and its outcome is the one reported.
            var decision = committedOutcome is { } done ? Decision.Keep(done) : await decide(current, lostRace, cancellationToken).ConfigureAwait(false);
            StoredArticle target;
            IReadOnlyList<IndexKey> keys;
            IReadOnlyList<IndexKey> stale;
            ETag etag;
            if (decision.Next is { } next)
            {
                keys = IndexPartitions.For(next.Article);
                var previous = current is null ? [] : current.IndexKeys.Concat(current.StaleIndexKeys);
                stale = previous.Except(keys).Distinct().ToList();
                // A change the index does not show (body, related items, source blob) needs one write, not N + 2.
                var indexUnchanged = current is { IndexSynced: true } && !mustResync && stale.Count == 0
                    && keys.SequenceEqual(current.IndexKeys) && SameSummary(next, current.Stored);
                var committed = await TryCommitAsync(current, next, keys, stale, indexUnchanged, guessNew, cancellationToken).ConfigureAwait(false);
                if (committed is null)
                {
                    lostRace |= !guessNew; // a refused insert-first only means the article exists: no race lost
                    continue; // another writer got there first: re-read and decide again
                }

                committedOutcome = decision.Outcome;
                if (indexUnchanged)
                {
                    return new SaveResult(decision.Outcome, next);
                }

                (target, etag) = (next, committed.Value);
            }
            else if (current is not null && (!current.IndexSynced || mustResync))
            {
                (target, keys, stale, etag) = (current.Stored, current.IndexKeys, current.StaleIndexKeys, current.ETag);
                LogResync(id, current.IndexSynced);
            }
            else
            {
                return new SaveResult(decision.Outcome, current?.Stored);
            }

            await SyncIndexAsync(target, keys, stale.Union(written.Except(keys)).ToList(), cancellationToken).ConfigureAwait(false);
            written.UnionWith(keys);
            if (decision.Next is null && current is { IndexSynced: true })
            {
                // We only re-applied a version that is already marked done. If nobody committed meanwhile, our writes
                // carried the latest version and we are done; a read, not a write, so concurrent writers settle.
                var now = await ReadAsync(id, cancellationToken).ConfigureAwait(false);
                if (now?.ETag == etag)
                {
                    return new SaveResult(decision.Outcome, target);
                }

                lostRace = true;
                continue;
            }

            try
            {
                await _articles.UpdateEntityAsync(ArticleEntityCodec.SyncedPatch(id), etag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return new SaveResult(decision.Outcome, target);
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed)
            {
                // Someone committed after us; our index writes may have overwritten theirs. Re-apply from their version.
                mustResync = true;
                lostRace = true;
            }
        }

        throw new ArticleContentionException($"Article {id} kept changing under {MaxAttempts} attempts to save it; try again.");
    }

    /// <summary>
    /// Commits the article entity; returns its new ETag, or null when another writer changed it first. A
    /// <paramref name="guess"/> (an insert without a read) that would need a body blob returns null before writing
    /// anything, so that a blob is only written for a decision made on the stored article.
    /// </summary>
    private async Task<ETag?> TryCommitAsync(ArticleRow? current, StoredArticle next, IReadOnlyList<IndexKey> keys, IReadOnlyList<IndexKey> stale, bool synced, bool guess, CancellationToken cancellationToken)
    {
        // A body that lives in blob storage is not read back with the entity; the same content keeps the same blob.
        var keptBodyBlob = current?.BodyBlobName is { } existing && current.Stored.ContentHash == next.ContentHash ? existing : null;
        var entity = ArticleEntityCodec.Encode(next, keys, stale, synced, keptBodyBlob);
        if (keptBodyBlob is null && !EntityText.Fits(entity))
        {
            if (guess)
            {
                return null;
            }

            var blobName = $"{next.Article.Id}/{next.ContentHash}.md";
            await _bodies.GetBlobClient(blobName).UploadAsync(BinaryData.FromString(next.Article.Body ?? string.Empty), overwrite: true, cancellationToken).ConfigureAwait(false);
            entity = ArticleEntityCodec.Encode(next, keys, stale, synced, blobName);
            if (!EntityText.Fits(entity))
            {
                throw new ArticleTooLargeException(
                    $"Article {next.Article.Id} needs {EntityText.EstimateBytes(entity):N0} bytes in {EntityText.OwnPropertyCount(entity)} properties without its body; a table entity holds {EntityText.MaxEntityBytes:N0} bytes in {EntityText.MaxOwnProperties}.");
            }
        }

        try
        {
            var response = current is null
                ? await _articles.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false)
                : await _articles.UpdateEntityAsync(entity, current.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            if (current?.BodyBlobName is { } previousBody && previousBody != entity.GetString(ArticleEntityCodec.Props.BodyBlob))
            {
                await _bodies.GetBlobClient(previousBody).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            return response.Headers.ETag ?? throw new InvalidOperationException("The table service returned no ETag.");
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
        {
            if (!guess)
            {
                LogLostRace(next.Article.Id, ex.Status);
            }

            return null;
        }
    }

    private Task SyncIndexAsync(StoredArticle article, IReadOnlyList<IndexKey> keys, IReadOnlyList<IndexKey> stale, CancellationToken cancellationToken)
    {
        var summary = ArticleSummary.From(article);
        return _index.WriteAsync(ArticleEntityCodec.EncodeSummaries(summary, keys), stale, cancellationToken);
    }

    private static bool SameSummary(StoredArticle a, StoredArticle b) =>
        JsonSerializer.Serialize(ArticleSummary.From(a), ArticleJson.Options) == JsonSerializer.Serialize(ArticleSummary.From(b), ArticleJson.Options);

    private async Task<ArticleRow?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        var response = await _articles.GetEntityIfExistsAsync<TableEntity>(id, StorageNames.ArticleRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? ArticleEntityCodec.Decode(response.Value!) : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Article {ArticleId} changed under a concurrent writer (status {Status}); re-reading")]
    private partial void LogLostRace(string articleId, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-applying the index entries of article {ArticleId} (previous index update finished: {IndexSynced})")]
    private partial void LogResync(string articleId, bool indexSynced);

    /// <summary>What to do with the article as currently stored.</summary>
    private sealed record Decision(SaveOutcome Outcome, StoredArticle? Next)
    {
        public static Decision Keep(SaveOutcome outcome) => new(outcome, null);

        public static Decision Write(SaveOutcome outcome, StoredArticle next) => new(outcome, next);
    }
}
