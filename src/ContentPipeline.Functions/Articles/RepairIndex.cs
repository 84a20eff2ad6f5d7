using ContentPipeline.Functions.Http;
using ContentPipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.Functions.Articles;

/// <summary>
/// Finishes every index update a crash interrupted, now: every article with a pending save record, however recent.
/// <see cref="RepairPendingSaves"/> does the same by itself every minute for records older than <c>Repair__MinAge</c>;
/// the next upload or toggle of such an article does it for that one article. Master key only.
/// </summary>
public sealed class RepairIndex(ArticleStore store)
{
    [Function(nameof(RepairIndex))]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = Routes.RepairIndex)] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (QueryParameters.RejectUnknown(request.Query) is { } unknown)
        {
            return unknown;
        }

        var mended = await store.RepairAsync(includeRecent: true, cancellationToken).ConfigureAwait(false);
        return ApiResults.Json(new { mended });
    }
}
