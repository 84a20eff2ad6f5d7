using ContentPipeline.Functions.Http;
using ContentPipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.Functions.Articles;

/// <summary>
/// Newest-first lists, one index partition per request: all published articles, or those of one category, topic or
/// provider. Editors (function key) may also list drafts, or everything, with <c>status</c>.
/// </summary>
public sealed class ListArticles(ArticleQueries queries)
{
    [Function(nameof(ListArticles))]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Articles)] HttpRequest request,
        CancellationToken cancellationToken) =>
        ServeAsync(request, Audience.Public, cancellationToken);

    [Function(nameof(ListEditorArticles))]
    public Task<IResult> ListEditorArticles(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.EditorArticles)] HttpRequest request,
        CancellationToken cancellationToken) =>
        ServeAsync(request, Audience.Editor, cancellationToken);

    private async Task<IResult> ServeAsync(HttpRequest request, Audience audience, CancellationToken cancellationToken)
    {
        if (!ListParameters.TryRead(request.Query, audience, out var list, out var problem))
        {
            return problem!;
        }

        ArticlePage page;
        try
        {
            page = await queries.ListAsync(list, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidCursorException ex)
        {
            return ApiResults.BadParameter(QueryParameters.Cursor, ex.Message);
        }

        request.HttpContext.Response.Headers.CacheControl = audience == Audience.Public ? ApiResults.PublicCaching : ApiResults.PrivateCaching;
        return ApiResults.Json(new { items = page.Items, cursor = page.Cursor });
    }
}
