using System.Net;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ContentPipeline.Articles;
using ContentPipeline.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ContentPipeline.Storage;

/// <summary>
/// The store's one write path: read, decide, then commit the article, apply its index change and mark it in step, again
/// from a fresh read whenever another writer got in between (see the class's main file for what each operation decides).
/// </summary>
public sealed partial class ArticleStore
{
    /// <summary>
    /// The one write path: read, decide, then the three phases (commit the article, apply its index change, mark it in
    /// step), again from a fresh read whenever another writer got in between. With <paramref name="insertFirst"/>
    /// (uploads, which are mostly new articles) the first round skips the read and tries to insert: one request instead
    /// of two for a new article, one more for an existing one (the insert is refused). With
    /// <paramref name="writeBehind"/> (uploads too) the save returns once its change is committed, and the index phases
    /// go on behind it when <see cref="IndexWriteBehind"/> has room (<see cref="SaveResult.Indexed"/> says when they end).
    /// </summary>
    private async Task<SaveResult> ApplyAsync(string id, Func<ArticleRow?, bool, CancellationToken, ValueTask<Decision>> decide, CancellationToken cancellationToken, bool insertFirst = false, bool writeBehind = false)
    {
        // A save of this article still written behind in this process ends first: this one then meets the article in
        // step (not as a race under way, which a later upload of the same second would yield to), as before write-behind.
        await _index.WriteBehind.WhenFinishedAsync(id, cancellationToken).ConfigureAwait(false);
        return await RunAsync(new SaveState(id, insertFirst), decide, writeBehind, cancellationToken, finishBy: CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// The rounds of a save, from where <paramref name="save"/> stands. Once its change is committed, the save goes on
    /// with <paramref name="finishBy"/> instead of the caller's token: none for a caller that waits, the deadline of
    /// <see cref="IndexWriteBehind"/> for a save behind its caller.
    /// </summary>
    private async Task<SaveResult> RunAsync(SaveState save, Func<ArticleRow?, bool, CancellationToken, ValueTask<Decision>> decide, bool writeBehind, CancellationToken cancellationToken, CancellationToken finishBy)
    {
        var id = save.Id;
        while (save.NextAttempt())
        {
            // Once anything is committed, the save is finished whatever its caller does: a client that disconnects or a
            // trigger cancelled after the commit must not leave entries that say otherwise, nor catalog rows unwritten
            // (the feeds would never see the change). Only a process that dies stops it; the repair timer mends that.
            var token = save.Committed is null ? cancellationToken : finishBy;
            ArticleRow? current = null;
            if (!save.GuessesNew)
            {
                using (PipelineTelemetry.Stage(PipelineTelemetry.Stages.SaveRead))
                {
                    current = await ReadAsync(id, token).ConfigureAwait(false);
                }
            }

            save.Observe(current);

            // Once our change is committed, later rounds only bring the index in step: the change is not decided again
            // (a version check would now fail against our own write), and its outcome is the one reported.
            var decision = save.Committed is { } done ? Decision.Keep(done) : await decide(current, save.LostRace, token).ConfigureAwait(false);
            var (result, change) = await CommitAsync(save, current, decision, token).ConfigureAwait(false);
            if (change is not null)
            {
                if (writeBehind && _index.WriteBehind.TryStart(id, deadline => FinishBehindAsync(save, change, decide, deadline), out var indexed))
                {
                    return new SaveResult(decision.Outcome, change.Article) { Indexed = indexed };
                }

                result = await TryFinishAsync(save, change, decision.Outcome, finishBy).ConfigureAwait(false);
            }

            if (result is not null)
            {
                await EndAsync(save, finishBy).ConfigureAwait(false);
                return result;
            }
        }

        throw new ArticleContentionException($"Article {id} kept changing under {MaxAttempts} attempts to save it; try again.");
    }

    /// <summary>Phases two and three of a round; the result, or null when another writer committed meanwhile.</summary>
    private async Task<SaveResult?> TryFinishAsync(SaveState save, IndexChange change, SaveOutcome outcome, CancellationToken cancellationToken)
    {
        using (PipelineTelemetry.Stage(PipelineTelemetry.Stages.SaveIndex))
        {
            await ApplyIndexChangeAsync(save, change, cancellationToken).ConfigureAwait(false);
        }

        using (PipelineTelemetry.Stage(PipelineTelemetry.Stages.SaveMark))
        {
            return await MarkInStepAsync(save, change, cancellationToken).ConfigureAwait(false) ? new SaveResult(outcome, change.Article) : null;
        }
    }

    /// <summary>
    /// The rest of a save whose caller already has its answer: its index change, the mark, and more rounds when another
    /// writer committed meanwhile, as the caller would have run them, until <paramref name="deadline"/>. A failure (or the
    /// deadline) is logged and left on the returned task; the save's pending record leaves the article to its next save
    /// or to repair.
    /// </summary>
    private async Task FinishBehindAsync(SaveState save, IndexChange change, Func<ArticleRow?, bool, CancellationToken, ValueTask<Decision>> decide, CancellationToken deadline)
    {
        try
        {
            if (await TryFinishAsync(save, change, SaveOutcome.Unchanged, deadline).ConfigureAwait(false) is not null)
            {
                await EndAsync(save, deadline).ConfigureAwait(false);
            }
            else
            {
                await RunAsync(save, decide, writeBehind: false, deadline, finishBy: deadline).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (LogLeftBehind(ex, save.Id))
        {
            throw; // never reached: the filter logs and lets the exception go on to the save's Indexed task
        }
    }

    private bool LogLeftBehind(Exception exception, string articleId)
    {
        LogIndexLeftToRepair(exception, articleId);
        return false;
    }

    /// <summary>Removes the save's pending record, now or once the catalog rows it waits for are written.</summary>
    private async Task EndAsync(SaveState save, CancellationToken cancellationToken)
    {
        if (save.Pending is not { } pending)
        {
            return;
        }

        if (save.CatalogWrites is { IsCompletedSuccessfully: false } writes)
        {
            // Catalog rows at the end of their interval: the record goes once they are written (by then the caller has
            // its answer); should this process die first, repair writes them from the record.
            _ = EndSaveAfterAsync(writes, pending);
        }
        else
        {
            using var ending = PipelineTelemetry.Stage(PipelineTelemetry.Stages.SaveEnd);
            await _index.EndSaveAsync(pending, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Phase one: commits the decided change, or finds the stored version whose index an earlier save left behind.
    /// Returns the result when nothing is left to do, the index change to apply, or neither when another writer got
    /// in first (read again and decide again).
    /// </summary>
    private async Task<(SaveResult? Result, IndexChange? Change)> CommitAsync(SaveState save, ArticleRow? current, Decision decision, CancellationToken cancellationToken)
    {
        if (decision.Next is { } next)
        {
            var now = _time.GetUtcNow();
            var keys = IndexPartitions.For(next, now);
            var previous = current is null ? [] : current.IndexKeys.Concat(current.StaleIndexKeys);
            var stale = previous.Except(keys).Distinct().ToList();

            // A change the index does not show (body, related items, source blob) needs one write, not N + 2.
            var indexUnchanged = current is { IndexSynced: true } && !save.MustResync && stale.Count == 0
                && keys.SequenceEqual(current.IndexKeys) && SameSummary(next, current.Stored);
            if (!indexUnchanged && save.Pending is null)
            {
                using var pending = PipelineTelemetry.Stage(PipelineTelemetry.Stages.SavePending);
                save.Pending = await _index.BeginSaveAsync(save.Id, ArticleIndex.ListsOf(keys.Concat(stale)), cancellationToken).ConfigureAwait(false);
            }

            ETag? committed;
            using (PipelineTelemetry.Stage(PipelineTelemetry.Stages.SaveCommit))
            {
                committed = await TryCommitAsync(current, next, keys, stale, indexUnchanged, save.GuessesNew, cancellationToken).ConfigureAwait(false);
            }

            if (committed is not { } etag)
            {
                save.LostRace |= !save.GuessesNew; // a refused insert-first only means the article exists: no race lost
                return (null, null);
            }

            save.Committed = decision.Outcome;
            return indexUnchanged ? (new SaveResult(decision.Outcome, next), null) : (null, new IndexChange(next, keys, stale, etag, AlreadyMarked: false) { From = current is null ? null : ShownState(current) });
        }

        if (current is not null && (!current.IndexSynced || save.MustResync))
        {
            LogResync(save.Id, current.IndexSynced);
            return (null, new IndexChange(current.Stored, current.IndexKeys, current.StaleIndexKeys, current.ETag, AlreadyMarked: current.IndexSynced) { From = ShownState(current) });
        }

        return (new SaveResult(decision.Outcome, current?.Stored), null);
    }

    /// <summary>
    /// The state the lists show of a stored article: its stale keys' (an index update not yet done: readers still see
    /// the version before), else its keys' (<see cref="ArticleState.Removed"/> when it is in no list).
    /// </summary>
    private static ArticleState ShownState(ArticleRow current) =>
        IndexPartitions.ListedStateOf(current.StaleIndexKeys) ?? IndexPartitions.StateOf(current.IndexKeys);

    /// <summary>
    /// Phase two: writes the version's index entries and removes the stale ones, with every entry this save wrote
    /// earlier that the version does not have (a slow upsert may have landed after a concurrent writer removed it).
    /// </summary>
    private async Task ApplyIndexChangeAsync(SaveState save, IndexChange change, CancellationToken cancellationToken)
    {
        var stale = change.Stale.Union(save.Written.Except(change.Keys)).ToList();
        var lists = ArticleIndex.ListsOf(change.Keys.Concat(stale));
        if (save.Pending is { } pending && lists.Except(pending.Lists, StringComparer.Ordinal).Any())
        {
            // This round touches lists the record does not name (an insert-first round knew no stale keys): name them
            // too, so that repair rewrites every catalog row this save may leave unwritten.
            save.Pending = await _index.ExtendSaveAsync(pending, lists, cancellationToken).ConfigureAwait(false);
        }

        var logged = (change.Article.Version, change.From, IndexPartitions.StateOf(change.Keys)); // states as the lists show them
        var catalog = await _index.WriteAsync(ArticleSummary.From(change.Article), change.Keys, stale, logged, cancellationToken).ConfigureAwait(false);
        save.CatalogWrites = save.CatalogWrites is { } earlier ? Task.WhenAll(earlier, catalog) : catalog;
        save.Written.UnionWith(change.Keys);
    }

    /// <summary>
    /// Phase three: marks the version in step under its ETag. False when another writer committed meanwhile (our
    /// entries may have overwritten theirs): the save goes round again from their version.
    /// </summary>
    private async Task<bool> MarkInStepAsync(SaveState save, IndexChange change, CancellationToken cancellationToken)
    {
        if (change.AlreadyMarked)
        {
            // We only re-applied a version already marked in step. If nobody committed meanwhile, our writes carried the
            // latest version and we are done; a read, not a write, so concurrent writers settle.
            var now = await ReadAsync(save.Id, cancellationToken).ConfigureAwait(false);
            save.LostRace |= now?.ETag != change.ETag;
            return now?.ETag == change.ETag;
        }

        try
        {
            await _articles.UpdateEntityAsync(ArticleEntityCodec.SyncedPatch(save.Id), change.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed)
        {
            save.MustResync = true;
            save.LostRace = true;
            return false;
        }
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
            await _bodies.GetBlobClient(HtmlBlobName(blobName)).UploadAsync(BinaryData.FromString(next.Html ?? string.Empty), overwrite: true, cancellationToken).ConfigureAwait(false);
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
                await _bodies.GetBlobClient(HtmlBlobName(previousBody)).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
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

    /// <summary>Removes a save's record once the catalog rows it waits for are written; a failure leaves it for repair.</summary>
    private async Task EndSaveAfterAsync(Task catalogWrites, PendingSave pending)
    {
        try
        {
            await catalogWrites.ConfigureAwait(false);
            using var ending = PipelineTelemetry.Stage(PipelineTelemetry.Stages.SaveEnd);
            await _index.EndSaveAsync(pending, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or OperationCanceledException)
        {
            LogCatalogLeftToRepair(ex, pending.ArticleId);
        }
    }

    /// <summary>The rendered body beside a body in blob storage; null when it has none (the body is empty).</summary>
    private async Task<string?> ReadHtmlAsync(string bodyBlobName, CancellationToken cancellationToken)
    {
        try
        {
            var html = (await _bodies.GetBlobClient(HtmlBlobName(bodyBlobName)).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToString();
            return html.Length == 0 ? null : html;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The rendered body's blob beside the Markdown one (<c>{id}/{contentHash}.html</c>).</summary>
    private static string HtmlBlobName(string bodyBlobName) => Path.ChangeExtension(bodyBlobName, ".html");

    private static bool SameSummary(StoredArticle a, StoredArticle b) =>
        JsonSerializer.Serialize(ArticleSummary.From(a), ArticleJson.Options) == JsonSerializer.Serialize(ArticleSummary.From(b), ArticleJson.Options);

    private async Task<ArticleRow?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        var response = await _articles.GetEntityIfExistsAsync<TableEntity>(id, StorageNames.ArticleRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? ArticleEntityCodec.Decode(response.Value!) : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Article {ArticleId} changed under a concurrent writer (status {Status}); re-reading")]
    private partial void LogLostRace(string articleId, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The catalog rows of article {ArticleId}'s lists could not be written; repair writes them from its pending record")]
    private partial void LogCatalogLeftToRepair(Exception exception, string articleId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The index entries of article {ArticleId}, written behind its upload, could not be brought in step; its next save or repair finishes them")]
    private partial void LogIndexLeftToRepair(Exception exception, string articleId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-applying the index entries of article {ArticleId} (previous index update finished: {IndexSynced})")]
    private partial void LogResync(string articleId, bool indexSynced);

    /// <summary>Where a save stands across its attempts.</summary>
    private sealed class SaveState(string id, bool insertFirst)
    {
        private int _attempt;

        public string Id => id;

        /// <summary>Whether this attempt inserts without reading first (an upload's first).</summary>
        public bool GuessesNew => insertFirst && _attempt == 1;

        /// <summary>Whether another writer committed in between: a writer that lost a race to a tied version yields.</summary>
        public bool LostRace { get; set; }

        /// <summary>Whether the index must be re-applied even if the article says it is in step.</summary>
        public bool MustResync { get; set; }

        /// <summary>The outcome of the change this save committed, once it has.</summary>
        public SaveOutcome? Committed { get; set; }

        /// <summary>Every index key this save upserted.</summary>
        public HashSet<IndexKey> Written { get; } = [];

        /// <summary>The catalog writes still to come at the end of their interval, for the changes this save applied.</summary>
        public Task? CatalogWrites { get; set; }

        /// <summary>The record of this save in the pending partition, once a commit of it left the index behind.</summary>
        public PendingSave? Pending { get; set; }

        public bool NextAttempt() => ++_attempt <= MaxAttempts;

        /// <summary>
        /// An insert-first refused by an article whose save is still under way is a race lost, as if we had read first
        /// and lost the insert.
        /// </summary>
        public void Observe(ArticleRow? current) =>
            LostRace |= insertFirst && _attempt == 2 && Committed is null && current is { IndexSynced: false };
    }

    /// <summary>A committed (or found) version whose index entries must be brought in step.</summary>
    private sealed record IndexChange(StoredArticle Article, IReadOnlyList<IndexKey> Keys, IReadOnlyList<IndexKey> Stale, ETag ETag, bool AlreadyMarked)
    {
        /// <summary>The state the article's lists showed before this version; null only for a new article.</summary>
        public ArticleState? From { get; init; }
    }

    /// <summary>What to do with the article as currently stored.</summary>
    private sealed record Decision(SaveOutcome Outcome, StoredArticle? Next)
    {
        public static Decision Keep(SaveOutcome outcome) => new(outcome, null);

        public static Decision Write(SaveOutcome outcome, StoredArticle next) => new(outcome, next);
    }
}
