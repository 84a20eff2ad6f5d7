using ContentPipeline.Storage;
using Microsoft.AspNetCore.Http;

namespace ContentPipeline.Functions.Http;

/// <summary>
/// What every editor's change of one article shares: no body, an optional <c>If-Match</c> (a stale ETag is a 412 that
/// carries the current one), a 409 while other changes keep arriving, while a takedown holds the article or when a
/// schedule would start after the article's expiry, a 404 for
/// an unknown article, and the new ETag on the answer.
/// </summary>
internal static class EditorChange
{
    private static readonly TimeSpan ContentionRetryAfter = TimeSpan.FromSeconds(1);

    /// <param name="request">The editor's request; its id and query are already checked.</param>
    /// <param name="id">The article.</param>
    /// <param name="change">Applies the change under the request's precondition.</param>
    /// <param name="respond">The answer for a change applied (or found already made): the article as it now is.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    public static async Task<IResult> ApplyAsync(
        HttpRequest request,
        string id,
        Func<Func<long, bool>?, CancellationToken, Task<SaveResult>> change,
        Func<SaveResult, StoredArticle, IResult> respond,
        CancellationToken cancellationToken)
    {
        if (await RequestLimits.CheckBodyAsync(request, cancellationToken).ConfigureAwait(false) is { } tooLarge)
        {
            return tooLarge;
        }

        if (!EntityTags.TryParseIfMatch(request.Headers.IfMatch, out var precondition))
        {
            return ApiResults.BadParameter("If-Match", "Give one or more quoted ETags, as returned in the ETag header, or *.");
        }

        SaveResult result;
        try
        {
            result = await change(precondition, cancellationToken).ConfigureAwait(false);
        }
        catch (ArticleContentionException)
        {
            return ApiResults.Problem(StatusCodes.Status409Conflict, "The article is being changed",
                "Other changes to this article kept arriving while this one was applied; nothing was changed. Try again.", retryAfter: ContentionRetryAfter);
        }

        if (result.Outcome == SaveOutcome.NotFound || result.Article is not { } article)
        {
            return ApiResults.ArticleNotFound(id);
        }

        var etag = EntityTags.For(article.Version);
        ApiResults.SetCaching(request.HttpContext.Response, etag, isPublic: false);
        return result.Outcome switch
        {
            SaveOutcome.VersionMismatch => ApiResults.Problem(StatusCodes.Status412PreconditionFailed, "The article has changed",
                $"If-Match does not match the article's current ETag {etag}: read it again and decide.", currentETag: etag),
            SaveOutcome.TakenDown => ApiResults.Problem(StatusCodes.Status409Conflict, "The article is taken down",
                $"A takedown holds article {id}; nothing was changed. Restore it first (POST /api/{Routes.Restore.Replace("{id}", id, StringComparison.Ordinal)})."),
            SaveOutcome.ExpiresFirst => ApiResults.Problem(StatusCodes.Status409Conflict, "The article expires first",
                $"Article {id} expires at {article.Article.ExpiresAt:O}: published from that time or later, it would never be shown. Nothing was changed."),
            _ => respond(result, article),
        };
    }
}
