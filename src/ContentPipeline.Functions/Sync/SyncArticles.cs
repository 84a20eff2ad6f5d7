using ContentPipeline.Changes;
using ContentPipeline.Functions.Http;
using ContentPipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.Functions.Sync;

/// <summary>
/// The sync API, for clients that mirror the published set: <c>GET /api/sync</c> pages through every published article
/// and ends with a sync token; <c>GET /api/sync?token=…</c> returns what was published, changed or left the published set
/// since, and the next token. Anonymous: readers' view only (no drafts, no <c>secured</c>).
/// </summary>
public sealed class SyncArticles(SyncService sync)
{
    private static readonly string[] Parameters = [QueryParameters.Token, QueryParameters.Limit];

    [Function(nameof(SyncArticles))]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Sync)] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (QueryParameters.RejectUnknown(request.Query, Parameters) is { } unknown)
        {
            return unknown;
        }

        if (!PageQuery.TryRead(request.Query, ArticleQueries.DefaultLimit, ArticleQueries.MaxLimit, out var limit, out var problem))
        {
            return problem!;
        }

        SyncToken? token = null;
        if (request.Query.TryGetValue(QueryParameters.Token, out var text) && (text.Count != 1 || (token = SyncToken.TryParse(text.ToString())) is null))
        {
            return ApiResults.BadParameter(QueryParameters.Token, "A token from an earlier sync response (nextPageToken or syncToken), once.");
        }

        SyncPage page;
        try
        {
            page = token is null || token.Continuation is not null
                ? await sync.ReadInitialAsync(token, limit, cancellationToken).ConfigureAwait(false)
                : await sync.ReadChangesAsync(token, limit, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidCursorException ex)
        {
            return ApiResults.BadParameter(QueryParameters.Token, ex.Message);
        }
        catch (SyncTokenExpiredException ex)
        {
            return ApiResults.Problem(StatusCodes.Status410Gone, "Sync token expired", ex.Message, QueryParameters.Token);
        }

        request.HttpContext.Response.Headers.CacheControl = ApiResults.PrivateCaching; // every client's position is its own
        return ApiResults.Json(new { articles = page.Articles, deleted = page.Deleted, nextPageToken = page.NextPageToken, syncToken = page.SyncToken });
    }
}
