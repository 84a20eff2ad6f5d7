using System.Net;
using Azure;
using ContentPipeline.Articles;
using ContentPipeline.Storage;

namespace ContentPipeline.Changes;

/// <summary>
/// The sync API's reads, for clients that mirror the published set. A first sync pages through the <c>published</c>
/// list and ends with a token holding the change-log position it started from; later syncs read the change log after
/// that position: what was published or changed, and what left the published set, each article once per page in its
/// latest state. A first sync costs the archive once; every later one costs what changed since.
/// </summary>
public sealed class SyncService(ArticleIndex index, ChangeLog log, TimeProvider time)
{
    /// <summary>A first sync's page, from its start (<paramref name="token"/> null) or a token of its own.</summary>
    /// <exception cref="InvalidCursorException">The table service cannot continue from the token.</exception>
    public async Task<SyncPage> ReadInitialAsync(SyncToken? token, int limit, CancellationToken cancellationToken)
    {
        var after = token?.After ?? ChangeLog.KeyAt(log.ReadableBefore); // what changes from now on, the later syncs give
        IReadOnlyList<ArticleSummary> items;
        string? next;
        try
        {
            (items, next) = await index.ReadPageAsync(IndexPartitions.Published, limit, token?.Continuation, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (token is not null && ex.Status == (int)HttpStatusCode.BadRequest)
        {
            throw new InvalidCursorException("The table service cannot continue from this token: sync again without it.", ex);
        }

        var now = time.GetUtcNow();
        var published = items.Where(i => i.StateAt(now) == ArticleState.Published).Select(static i => i with { State = ArticleState.Published.Name() }).ToList();
        return next is null
            ? new SyncPage(published, [], null, SyncToken.Delta(after).Encode())
            : new SyncPage(published, [], SyncToken.Initial(after, next).Encode(), null);
    }

    /// <summary>The changes after a delta token, at most <paramref name="limit"/> change-log entries.</summary>
    /// <exception cref="SyncTokenExpiredException">The token is older than the change log keeps.</exception>
    public async Task<SyncPage> ReadChangesAsync(SyncToken token, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Stamp < log.KeptSince)
        {
            throw new SyncTokenExpiredException("This sync token is older than the change log keeps: sync again from the start (without a token).");
        }

        var (changes, more, caughtUp) = await log.ReadAsync(token.After, token.Stamp, limit, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var articles = new Dictionary<string, ArticleSummary>(StringComparer.Ordinal);
        var deleted = new Dictionary<string, SyncDeletion>(StringComparer.Ordinal);
        foreach (var change in changes)
        {
            if (change.Summary is { } summary && summary.StateAt(now) == ArticleState.Published)
            {
                deleted.Remove(change.ArticleId);
                articles[change.ArticleId] = summary with { State = ArticleState.Published.Name() };
            }
            else if (change.From == ArticleState.Published || articles.ContainsKey(change.ArticleId) || change.IsPublished)
            // (a new article that is not published, or a move between states readers never see, is none of the client's business)
            {
                articles.Remove(change.ArticleId);
                deleted[change.ArticleId] = new SyncDeletion(change.ArticleId, Reason(change, now));
            }
        }

        var next = SyncToken.Delta(more ? changes[^1].Key : caughtUp).Encode();
        return new SyncPage([.. articles.Values], [.. deleted.Values], more ? next : null, more ? null : next);
    }

    private static string Reason(ArticleChange change, DateTimeOffset now) => change.To switch
    {
        ArticleState.Draft => "unpublished",
        ArticleState.Published => change.Summary?.StateAt(now).Name() ?? ArticleState.Expired.Name(), // published, but past its expiry by now
        var state => state.Name(),
    };
}
