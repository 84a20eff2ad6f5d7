using ContentPipeline.Functions.Http;
using ContentPipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.Functions.Articles;

/// <summary>
/// Point lookups: one table read, then 304 when the caller's ETag is current. Anonymous callers see published
/// articles only (a draft's id answers 404) and never <c>secured</c>; editors (function key) see everything.
/// </summary>
public sealed class GetArticle(ArticleStore store)
{
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
        if (ApiResults.ValidateId(id) is { } invalid)
        {
            return invalid;
        }

        var stored = await store.GetAsync(id, includeBody: false, cancellationToken).ConfigureAwait(false);
        if (stored is null || (audience == Audience.Public && !stored.Article.Published))
        {
            return ApiResults.ArticleNotFound(id);
        }

        ApiResults.SetCaching(request.HttpContext.Response, EntityTags.For(stored.Version), audience == Audience.Public);
        if (EntityTags.NoneMatchHits(request.Headers.IfNoneMatch, stored.Version))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        stored = await store.IncludeBodyAsync(stored, cancellationToken).ConfigureAwait(false);
        ApiResults.SetCaching(request.HttpContext.Response, EntityTags.For(stored.Version), audience == Audience.Public); // it may have been re-read
        return ApiResults.Json(ArticleRepresentation.Create(stored, audience));
    }
}
