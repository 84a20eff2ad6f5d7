using System.Diagnostics.CodeAnalysis;
using ContentPipeline.Articles;
using ContentPipeline.Functions.Http;
using ContentPipeline.Storage;
using ContentPipeline.Stories;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ContentPipeline.Functions.Articles;

/// <summary>
/// Point lookups: one table read (and, beside it, the article's story: see <see cref="StoryDirectory"/>), then 304 when the caller's ETag is current (a revalidation reads only the version
/// and state columns first). Anonymous callers see published
/// articles only (a draft's id answers 404) and never <c>secured</c>; editors (function key) see everything.
/// </summary>
public sealed partial class GetArticle(ArticleStore store, StoryDirectory stories, TimeProvider time, ILogger<GetArticle> logger)
{
    private static readonly TimeSpan BodyRetryAfter = TimeSpan.FromSeconds(60);

    [Function(nameof(GetArticle))]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Article)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        ServeAsync(request, id, Audience.Public, cancellationToken);

    [Function(nameof(GetEditorArticle))]
    public Task<IResult> GetEditorArticle(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.EditorArticle)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        ServeAsync(request, id, Audience.Editor, cancellationToken);

    private async Task<IResult> ServeAsync(HttpRequest request, string id, Audience audience, CancellationToken cancellationToken)
    {
        if ((ApiResults.ValidateId(id) ?? QueryParameters.RejectUnknown(request.Query)) is { } invalid)
        {
            return invalid;
        }

        // The article's story is read beside it (or known to this instance already): no time added to the lookup.
        var membership = stories.GetAsync(id, cancellationToken);
        if (request.Headers.IfNoneMatch.Count > 0)
        {
            // A revalidation: most are current, and then the version and state columns answer it. A stale one costs a
            // second read (the whole article), as a caller without a cached copy does.
            var stamp = await store.GetStampAsync(id, cancellationToken).ConfigureAwait(false);
            var tag = stamp is null ? null : EntityTags.ForLookup(stamp.Version, (await membership.ConfigureAwait(false))?.LinkFor(readers: audience == Audience.Public));
            if (stamp is not null && IsVisible(stamp.StateAt(time.GetUtcNow()), audience) && EntityTags.NoneMatchHits(request.Headers.IfNoneMatch, tag!))
            {
                ApiResults.SetCaching(request.HttpContext.Response, tag!, audience == Audience.Public);
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }
        }

        var stored = await store.GetAsync(id, includeBody: false, cancellationToken).ConfigureAwait(false);
        var story = (await membership.ConfigureAwait(false))?.LinkFor(readers: audience == Audience.Public);
        if (!IsVisible(stored, audience))
        {
            return ApiResults.ArticleNotFound(id);
        }

        var etag = EntityTags.ForLookup(stored.Version, story);
        ApiResults.SetCaching(request.HttpContext.Response, etag, audience == Audience.Public);
        if (EntityTags.NoneMatchHits(request.Headers.IfNoneMatch, etag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        try
        {
            // The article is read again when its body blob was replaced after the first read: check it again.
            stored = await store.IncludeBodyAsync(stored, cancellationToken).ConfigureAwait(false);
        }
        catch (ArticleBodyMissingException ex)
        {
            LogBodyMissing(ex, id);
            return ApiResults.Problem(StatusCodes.Status503ServiceUnavailable, "Article temporarily unavailable",
                "The article's body cannot be read right now; the operators have been told. Try again later.", retryAfter: BodyRetryAfter);
        }

        if (!IsVisible(stored, audience))
        {
            return ApiResults.ArticleNotFound(id);
        }

        ApiResults.SetCaching(request.HttpContext.Response, EntityTags.ForLookup(stored.Version, story), audience == Audience.Public);
        return ApiResults.Utf8Json(ArticleRepresentation.Create(stored, audience, time.GetUtcNow(), story));
    }

    /// <summary>
    /// Readers see an article only while it is published by the clock too (never before its embargo or after its
    /// expiry, whether or not the transitions timer has run); editors see every article but a removed one.
    /// </summary>
    private bool IsVisible([NotNullWhen(true)] StoredArticle? stored, Audience audience) =>
        stored?.StateAt(time.GetUtcNow()) is { } state && IsVisible(state, audience);

    private static bool IsVisible(ArticleState state, Audience audience) =>
        audience == Audience.Public ? state == ArticleState.Published : state != ArticleState.Removed;

    [LoggerMessage(Level = LogLevel.Error, Message = "Article {ArticleId} is stored, but its body blob is missing: upload its file again")]
    private partial void LogBodyMissing(Exception exception, string articleId);
}
