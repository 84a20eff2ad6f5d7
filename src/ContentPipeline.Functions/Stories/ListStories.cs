using ContentPipeline.Functions.Http;
using ContentPipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.Functions.Stories;

/// <summary>
/// Story lists: the same lists, filters and orders as the article lists, each story once (its lead, its other articles
/// in the list, its source count), grouped from the list's newest <c>Stories:ListWindow</c> entries.
/// </summary>
public sealed class ListStories(ArticleQueries queries)
{
    [Function(nameof(ListStories))]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Stories)] HttpRequest request,
        CancellationToken cancellationToken) =>
        ServeAsync(request, Audience.Public, cancellationToken);

    [Function(nameof(ListEditorStories))]
    public Task<IResult> ListEditorStories(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.EditorStories)] HttpRequest request,
        CancellationToken cancellationToken) =>
        ServeAsync(request, Audience.Editor, cancellationToken);

    private async Task<IResult> ServeAsync(HttpRequest request, Audience audience, CancellationToken cancellationToken)
    {
        if (!ListParameters.TryRead(request.Query, audience, out var list, out var problem))
        {
            return problem!;
        }

        try
        {
            var page = await queries.ListStoriesAsync(list, cancellationToken).ConfigureAwait(false);
            request.HttpContext.Response.Headers.CacheControl = audience == Audience.Public ? ApiResults.PublicCaching : ApiResults.PrivateCaching;
            return ApiResults.Json(new { items = page.Items, cursor = page.Cursor });
        }
        catch (InvalidCursorException ex)
        {
            return ApiResults.BadParameter(QueryParameters.Cursor, ex.Message);
        }
    }
}
