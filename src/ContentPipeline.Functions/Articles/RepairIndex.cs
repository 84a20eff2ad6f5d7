using ContentPipeline.Functions.Http;
using ContentPipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.Functions.Articles;

/// <summary>
/// Finishes every index update a crash interrupted (articles whose <c>IndexSynced</c> is false). The next upload or
/// toggle of such an article does the same for that one article; this does it for all. Master key only: it scans the
/// articles table.
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

        var mended = await store.RepairAsync(cancellationToken).ConfigureAwait(false);
        return ApiResults.Json(new { mended });
    }
}
