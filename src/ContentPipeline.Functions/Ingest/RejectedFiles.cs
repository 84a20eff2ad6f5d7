using ContentPipeline.Functions.Http;
using ContentPipeline.Ingest;
using ContentPipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.Functions.Ingest;

/// <summary>
/// Editors' view of the files the pipeline would not take (function key): each with its reasons, every problem with
/// its file, line, column, code and message; a list, paged, and one file by name.
/// </summary>
public sealed class RejectedFiles(RejectedFileStore rejected)
{
    private const int DefaultLimit = 20;
    private const int MaxLimit = 100;

    [Function(nameof(ListRejectedFiles))]
    public async Task<IResult> ListRejectedFiles(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.RejectedFiles)] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!PageQuery.TryReadPage(request.Query, DefaultLimit, MaxLimit, out var limit, out var cursor, out var invalid))
        {
            return invalid!;
        }

        RejectionPage page;
        try
        {
            page = await rejected.ListAsync(cursor, limit, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidCursorException ex)
        {
            return ApiResults.BadParameter(QueryParameters.Cursor, ex.Message);
        }

        request.HttpContext.Response.Headers.CacheControl = ApiResults.PrivateCaching;
        return ApiResults.Json(new { items = page.Items.Select(Represent), cursor = page.Cursor });
    }

    [Function(nameof(GetRejectedFile))]
    public async Task<IResult> GetRejectedFile(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.RejectedFile)] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (QueryParameters.RequireName(request.Query, out var name) is { } badName)
        {
            return badName;
        }

        var rejection = await rejected.GetAsync(name, cancellationToken).ConfigureAwait(false);
        request.HttpContext.Response.Headers.CacheControl = ApiResults.PrivateCaching;
        return rejection is null
            ? ApiResults.Problem(StatusCodes.Status404NotFound, "No such rejected file", "No reason is kept for a file of that name: it was never rejected, or its reason was removed.")
            : ApiResults.Json(Represent(rejection));
    }

    /// <summary>A rejection as the API names its fields (<c>etag</c>, as in the failures' list).</summary>
    private static object Represent(Rejection r) => new
    {
        blobName = r.BlobName,
        etag = r.ETag,
        size = r.Size,
        rejectedAt = r.RejectedAt,
        problems = r.Problems,
    };
}
