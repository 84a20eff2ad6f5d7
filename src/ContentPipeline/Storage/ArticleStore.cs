using System.Net;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using ContentPipeline.Articles;
using ContentPipeline.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ContentPipeline.Storage;

/// <summary>
/// Stores articles and keeps their index entries in step. A save runs in three phases, each attempt of it over one
/// <see cref="SaveState"/>: <b>commit the article</b> (with an ETag condition, so concurrent writers serialise),
/// together with the index keys it should have, the stale ones to remove, and <c>IndexSynced = false</c>; <b>apply its
/// index change</b>; <b>mark it in step</b>, again under the ETag. Before a commit leaves the index behind, the save is
/// recorded in the index's pending partition, and the record is removed once the article is in step: a crash between
/// the phases leaves the flag false and the record, so the next save of the article (a re-upload, a duplicate delivery,
/// an editor's toggle) or <see cref="RepairAsync"/>, which reads only the records, finishes the job. A writer that loses
/// an ETag race re-reads and re-applies the index from the winner's version, so concurrent deliveries converge.
/// </summary>
public sealed partial class ArticleStore
{
    private const int MaxAttempts = 10;

    private readonly TableClient _articles;
    private readonly ArticleIndex _index;
    private readonly BlobContainerClient _bodies;
    private readonly TimeProvider _time;
    private readonly RepairOptions _repair;
    private readonly ILogger<ArticleStore> _logger;

    /// <summary>Creates the store over the pipeline's articles table, its index and its bodies container.</summary>
    public ArticleStore(TableServiceClient tables, ArticleIndex index, BlobServiceClient blobs, TimeProvider time, IOptions<RepairOptions> repair, ILogger<ArticleStore> logger)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(repair);
        _repair = repair.Value;
        _articles = tables.GetTableClient(StorageNames.ArticlesTable);
        _index = index;
        _bodies = blobs.GetBlobContainerClient(StorageNames.BodiesContainer);
        _time = time;
        _logger = logger;
    }

    /// <summary>Reads one article (one table read; one blob read more only when its body lives in blob storage).</summary>
    public async Task<StoredArticle?> GetAsync(string id, bool includeBody, CancellationToken cancellationToken)
    {
        using var stage = PipelineTelemetry.Stage(PipelineTelemetry.Stages.Lookup);
        var row = await ReadAsync(id, cancellationToken).ConfigureAwait(false);
        return row is null ? null : includeBody ? await IncludeBodyAsync(row.Stored, cancellationToken).ConfigureAwait(false) : row.Stored;
    }

    /// <summary>
    /// Reads only an article's version and state columns (one table read, a few hundred bytes): enough to answer a
    /// conditional lookup whose ETag is current without reading, decoding and sending the article.
    /// </summary>
    public async Task<ArticleStamp?> GetStampAsync(string id, CancellationToken cancellationToken)
    {
        using var stage = PipelineTelemetry.Stage(PipelineTelemetry.Stages.Lookup);
        var response = await _articles.GetEntityIfExistsAsync<TableEntity>(id, StorageNames.ArticleRowKey, ArticleEntityCodec.StampColumns, cancellationToken).ConfigureAwait(false);
        return response.HasValue ? ArticleEntityCodec.DecodeStamp(response.Value!) : null;
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
            var html = await ReadHtmlAsync(stored.BodyBlobName, cancellationToken).ConfigureAwait(false);
            return stored with { Article = stored.Article with { Body = body.Value.Content.ToString() }, Html = html };
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
    /// <param name="html">Its body rendered as sanitised HTML (null without a body).</param>
    /// <param name="source">The blob version it was read from.</param>
    /// <param name="currentSourceETag">
    /// Reads the source blob's current ETag (null if gone). Called only to order two versions of one blob that share a
    /// Last-Modified second, which the header's one-second resolution cannot order.
    /// </param>
    /// <param name="cancellationToken">Cancels the save.</param>
    public Task<SaveResult> SaveUploadAsync(Article article, string? html, ArticleSource source, Func<CancellationToken, Task<string?>> currentSourceETag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(article);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(currentSourceETag);
        var hash = ArticleJson.ContentHash(article, html);
        return ApplyAsync(
            article.Id,
            async (current, isRetry, ct) => DecideUpload(current, article, html, source, hash, await IsNewerAsync(current, source, isRetry, currentSourceETag, ct).ConfigureAwait(false)),
            cancellationToken,
            insertFirst: true,
            writeBehind: true);
    }

    /// <summary>
    /// An editor's publish or unpublish. Idempotent (the same state again is <see cref="SaveOutcome.Unchanged"/> and
    /// writes nothing); with <paramref name="versionMatches"/> (an HTTP <c>If-Match</c>), refuses with
    /// <see cref="SaveOutcome.VersionMismatch"/> unless the current version passes, checked under the entity's ETag so
    /// that of two toggles sent with the same version exactly one wins. The state set here belongs to the editor:
    /// re-uploads of the article keep it.
    /// </summary>
    public Task<SaveResult> SetPublishedAsync(string id, bool published, Func<long, bool>? versionMatches, CancellationToken cancellationToken) =>
        SetPublishedAsync(id, published, publishAt: null, versionMatches, cancellationToken);

    /// <summary>
    /// An editor's publish (now, or from <paramref name="publishAt"/> on: a schedule) or unpublish; see the overload.
    /// A time that has passed publishes now.
    /// </summary>
    public Task<SaveResult> SetPublishedAsync(string id, bool published, DateTimeOffset? publishAt, Func<long, bool>? versionMatches, CancellationToken cancellationToken)
    {
        return ApplyAsync(id, (current, _, _) =>
        {
            if (current is null || current.Stored.StateAt(_time.GetUtcNow()) is ArticleState.Removed)
            {
                return ValueTask.FromResult(Decision.Keep(SaveOutcome.NotFound));
            }

            var stored = current.Stored;
            if (versionMatches is not null && !versionMatches(stored.Version))
            {
                return ValueTask.FromResult(Decision.Keep(SaveOutcome.VersionMismatch));
            }

            if (stored.Takedown is not null)
            {
                return ValueTask.FromResult(Decision.Keep(SaveOutcome.TakenDown));
            }

            var now = _time.GetUtcNow();
            var from = published && publishAt > now ? publishAt : null;
            if (from >= stored.Article.ExpiresAt)
            {
                return ValueTask.FromResult(Decision.Keep(SaveOutcome.ExpiresFirst)); // it would never be shown
            }

            if (stored.Article.Published == published && stored.Article.PublishAt == from)
            {
                return ValueTask.FromResult(Decision.Keep(SaveOutcome.Unchanged));
            }

            return ValueTask.FromResult(Decision.Write(SaveOutcome.Updated, stored with
            {
                Article = stored.Article with { Published = published, PublishAt = from },
                PublishedSetBy = PublishStateSource.Editor,
                PublishedChangedAt = now,
                UpdatedAt = now,
                Version = stored.Version + 1,
            }));
        }, cancellationToken);
    }

    /// <summary>
    /// An editor's takedown: the article leaves every list but the editors' <c>taken-down</c> list, its body and HTML
    /// (and their blobs) go, and the tombstone keeps it down: uploads, events and toggles change nothing until
    /// <see cref="RestoreAsync"/>. The same takedown again is <see cref="SaveOutcome.Unchanged"/>. A removed article
    /// (its file deleted) can be taken down too, so that no later upload brings it back.
    /// </summary>
    public Task<SaveResult> TakeDownAsync(string id, string by, string? reason, Func<long, bool>? versionMatches, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(by);
        return ApplyAsync(id, (current, _, _) => ValueTask.FromResult(Decide(current, versionMatches, stored =>
        {
            if (stored.Takedown is not null)
            {
                return Decision.Keep(SaveOutcome.Unchanged);
            }

            var now = _time.GetUtcNow();
            return Decision.Write(SaveOutcome.Updated, WithoutContent(stored, now) with { Takedown = new Takedown(now, by, reason) });
        })), cancellationToken);
    }

    /// <summary>
    /// Lifts a takedown. The article comes back without content (as if its file had been deleted): the caller ingests
    /// its source file again, if it still exists, to bring the content back. No takedown to lift is
    /// <see cref="SaveOutcome.Unchanged"/>.
    /// </summary>
    public Task<SaveResult> RestoreAsync(string id, Func<long, bool>? versionMatches, CancellationToken cancellationToken) =>
        ApplyAsync(id, (current, _, _) => ValueTask.FromResult(Decide(current, versionMatches, stored =>
        {
            if (stored.Takedown is null)
            {
                return Decision.Keep(SaveOutcome.Unchanged);
            }

            // Removed, and its source forgotten: whatever version of the file the restore then ingests counts as newer.
            var now = _time.GetUtcNow();
            return Decision.Write(SaveOutcome.Updated, stored with
            {
                Takedown = null,
                RemovedAt = now,
                Source = stored.Source with { ETag = string.Empty, LastModified = DateTimeOffset.MinValue },
                UpdatedAt = now,
                Version = stored.Version + 1,
            });
        })), cancellationToken);

    /// <summary>
    /// The article's file <paramref name="blobName"/> was deleted: when that file is the article's current source, the
    /// article leaves every index and its body goes (a removed article keeps only its id and version, so that a later
    /// upload continues its ETags). <see cref="SaveOutcome.Stale"/> when another file is the current source;
    /// <see cref="SaveOutcome.TakenDown"/> when a takedown holds it (the tombstone stays).
    /// </summary>
    public Task<SaveResult> RemoveAsync(string id, string blobName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        return ApplyAsync(id, (current, _, _) => ValueTask.FromResult(Decide(current, versionMatches: null, stored =>
            stored.Takedown is not null ? Decision.Keep(SaveOutcome.TakenDown)
            : stored.RemovedAt is not null ? Decision.Keep(SaveOutcome.Unchanged)
            : stored.Source.BlobName != blobName ? Decision.Keep(SaveOutcome.Stale)
            : Decision.Write(SaveOutcome.Updated, WithoutContent(stored, _time.GetUtcNow())))), cancellationToken);
    }

    /// <summary>The common checks of an editor's or an event's change: the article exists and is the version expected.</summary>
    private static Decision Decide(ArticleRow? current, Func<long, bool>? versionMatches, Func<StoredArticle, Decision> decide) =>
        current is null ? Decision.Keep(SaveOutcome.NotFound)
        : versionMatches is not null && !versionMatches(current.Stored.Version) ? Decision.Keep(SaveOutcome.VersionMismatch)
        : decide(current.Stored);

    /// <summary>
    /// The article without its content: no body, no HTML (so no body blobs), and no content hash, so that any upload
    /// of it afterwards counts as a change.
    /// </summary>
    private static StoredArticle WithoutContent(StoredArticle stored, DateTimeOffset now) => stored with
    {
        Article = stored.Article with { Body = null },
        Html = null,
        ContentHash = string.Empty,
        RemovedAt = stored.RemovedAt ?? now,
        UpdatedAt = now,
        Version = stored.Version + 1,
    };

    /// <summary>
    /// Applies the changes of state the clock has brought (embargoes that ended, expiries that passed) up to now, at
    /// most <paramref name="max"/>: each such article's index entries move, its version grows. Reads only the due
    /// entries. Returns how many articles changed state.
    /// </summary>
    public async Task<int> ApplyDueTransitionsAsync(int max, CancellationToken cancellationToken)
    {
        var changed = 0;
        foreach (var (key, articleId) in await _index.ListDueAsync(_time.GetUtcNow(), max, cancellationToken).ConfigureAwait(false))
        {
            SaveResult result;
            try
            {
                result = await ApplyAsync(articleId, (current, _, _) => ValueTask.FromResult(DecideTransition(current)), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ArticleContentionException or InvalidDataException or JsonException)
            {
                // One article that cannot be moved now must not hold up the others behind it; the next run tries again.
                LogTransitionFailed(ex, articleId);
                continue;
            }

            changed += result.Outcome == SaveOutcome.Updated ? 1 : 0;
            if (result.Outcome != SaveOutcome.Updated && (result.Article is null || !IndexPartitions.For(result.Article, _time.GetUtcNow()).Contains(key)))
            {
                // An entry no article claims (its article is gone, or a save cut short left it): nothing else removes it.
                await _index.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
            }
        }

        return changed;
    }

    private Decision DecideTransition(ArticleRow? current)
    {
        if (current is null)
        {
            return Decision.Keep(SaveOutcome.NotFound);
        }

        var now = _time.GetUtcNow();
        if (IndexPartitions.For(current.Stored, now).SequenceEqual(current.IndexKeys))
        {
            return Decision.Keep(SaveOutcome.Unchanged); // nothing is due yet, or another save already moved it
        }

        return Decision.Write(SaveOutcome.Updated, current.Stored with { PublishedChangedAt = now, UpdatedAt = now, Version = current.Stored.Version + 1 });
    }

    /// <summary>
    /// Finishes the index updates of the articles whose saves were interrupted; returns how many it mended. Reads only
    /// the records of saves under way or cut short (its cost follows what is pending, never the archive). The timer
    /// takes only records older than <see cref="RepairOptions.MinAge"/>, saves that cannot still be running; an
    /// operator's run (<paramref name="includeRecent"/>) mends every article with a record. Either removes only the
    /// records older than that age: a younger one may belong to a save still under way, which removes its own.
    /// </summary>
    public async Task<int> RepairAsync(bool includeRecent, CancellationToken cancellationToken)
    {
        var mended = 0;
        var now = _time.GetUtcNow();
        bool Interrupted(PendingSave save) => now - save.StartedAt >= _repair.MinAge;
        var pending = (await _index.ListPendingAsync(cancellationToken).ConfigureAwait(false)).Where(s => includeRecent || Interrupted(s));
        foreach (var saves in pending.GroupBy(static p => p.ArticleId, StringComparer.Ordinal))
        {
            var wasBehind = false;
            await ApplyAsync(saves.Key, (current, _, _) =>
            {
                wasBehind |= current is { IndexSynced: false };
                return ValueTask.FromResult(Decision.Keep(SaveOutcome.Unchanged));
            }, cancellationToken).ConfigureAwait(false);
            mended += wasBehind ? 1 : 0;

            // Then its catalog rows: a save may have died after its article was in step but before them (they are
            // written at the end of their interval). A row written twice only tells the feeds to read its list again.
            await _index.RewriteCatalogAsync(saves.SelectMany(static s => s.Lists).Distinct(StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);

            // The article is in step now. A younger record may belong to a save still under way: it removes its own.
            foreach (var save in saves.Where(Interrupted))
            {
                await _index.EndSaveAsync(save, cancellationToken).ConfigureAwait(false);
            }
        }

        return mended;
    }

    private Decision DecideUpload(ArticleRow? current, Article article, string? html, ArticleSource source, string hash, bool isNewer)
    {
        var now = _time.GetUtcNow();
        if (current is null)
        {
            return Decision.Write(SaveOutcome.Created, new StoredArticle
            {
                Article = article,
                Html = html,
                ContentHash = hash,
                Source = source,
                PublishedSetBy = PublishStateSource.Upload,
                PublishedChangedAt = now,
                CreatedAt = now,
                UpdatedAt = now,
                Version = 1,
            });
        }

        if (current.Stored is { RemovedAt: not null, Takedown: null } removed)
        {
            // Back after its file was deleted, by a newer upload: an ingest of the deleted version still under way when
            // the deletion was handled is not newer, so it cannot bring the article back. Its version goes on from the
            // removed one's (ETags never repeat), and an editor's publish state and schedule hold, as for a re-upload.
            if (!isNewer)
            {
                return Decision.Keep(SaveOutcome.Stale);
            }

            var editorOwns = removed.PublishedSetBy == PublishStateSource.Editor;
            return Decision.Write(SaveOutcome.Created, new StoredArticle
            {
                Article = editorOwns ? article with { Published = removed.Article.Published, PublishAt = removed.Article.PublishAt } : article,
                Html = html,
                ContentHash = hash,
                Source = source,
                PublishedSetBy = removed.PublishedSetBy,
                PublishedChangedAt = editorOwns ? removed.PublishedChangedAt : now,
                CreatedAt = now,
                UpdatedAt = now,
                Version = removed.Version + 1,
            });
        }

        var stored = current.Stored;
        if (stored.Takedown is not null)
        {
            return Decision.Keep(SaveOutcome.TakenDown);
        }

        if (stored.ContentHash == hash && stored.Source.BlobName == source.BlobName)
        {
            return Decision.Keep(SaveOutcome.Unchanged);
        }

        if (!isNewer)
        {
            return Decision.Keep(SaveOutcome.Stale);
        }

        // An editor's publish state and schedule outlive re-uploads; the file's hold otherwise.
        var editorOwnsState = stored.PublishedSetBy == PublishStateSource.Editor;
        var published = editorOwnsState ? stored.Article.Published : article.Published;
        var publishAt = editorOwnsState ? stored.Article.PublishAt : article.PublishAt;
        var contentChanged = stored.ContentHash != hash;
        return Decision.Write(SaveOutcome.Updated, stored with
        {
            Article = article with { Published = published, PublishAt = publishAt },
            Html = html,
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not apply the due change of state of article {ArticleId}; the next run tries again")]
    private partial void LogTransitionFailed(Exception exception, string articleId);
}
