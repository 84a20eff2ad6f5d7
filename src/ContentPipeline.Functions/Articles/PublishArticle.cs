using ContentPipeline.Functions.Http;
using ContentPipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.Functions.Articles;

/// <summary>
/// Editors' publish and unpublish (function key required). Idempotent, <c>If-Match</c>-aware (a stale ETag is a 412;
/// of two toggles sent with the same ETag exactly one wins), and the change reaches every index before the response.
/// </summary>
public sealed class PublishArticle(ArticleStore store)
{
    private static readonly TimeSpan ContentionRetryAfter = TimeSpan.FromSeconds(1);

    [Function(nameof(PublishArticle))]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Publish)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        ToggleAsync(request, id, published: true, cancellationToken);

    [Function(nameof(UnpublishArticle))]
    public Task<IResult> UnpublishArticle(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Unpublish)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        ToggleAsync(request, id, published: false, cancellationToken);

    private async Task<IResult> ToggleAsync(HttpRequest request, string id, bool published, CancellationToken cancellationToken)
    {
        if ((ApiResults.ValidateId(id) ?? QueryParameters.RejectUnknown(request.Query)) is { } invalid)
        {
            return invalid;
        }

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
            result = await store.SetPublishedAsync(id, published, precondition, cancellationToken).ConfigureAwait(false);
        }
        catch (ArticleContentionException)
        {
            return ApiResults.Problem(StatusCodes.Status409Conflict, "The article is being changed",
                "Other changes to this article kept arriving while this one was applied; nothing was changed. Try again.", retryAfter: ContentionRetryAfter);
        }

        if (result.Article is not { } article)
        {
            return ApiResults.ArticleNotFound(id);
        }

        var etag = EntityTags.For(article.Version);
        ApiResults.SetCaching(request.HttpContext.Response, etag, isPublic: false);
        if (result.Outcome == SaveOutcome.VersionMismatch)
        {
            return ApiResults.Problem(StatusCodes.Status412PreconditionFailed, "The article has changed",
                $"If-Match does not match the article's current ETag {etag}: read it again and decide.", currentETag: etag);
        }

        var changed = result.Outcome == SaveOutcome.Updated;
        return ApiResults.Json(new
        {
            id,
            published = article.Article.Published,
            changed,
            message = changed ? (published ? "Published." : "Unpublished.") : (published ? "Already published; nothing changed." : "Already a draft; nothing changed."),
            publishedChangedAt = article.PublishedChangedAt,
            version = article.Version,
        });
    }
}
