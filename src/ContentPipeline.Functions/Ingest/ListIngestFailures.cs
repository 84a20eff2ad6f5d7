using ContentPipeline.Functions.Http;
using ContentPipeline.Ingest;
using ContentPipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.Functions.Ingest;

/// <summary>
/// Editors' list of the files that failed to ingest (function key): being tried again, with their next attempt, or
/// given up, with the last error. A file that went through since is no longer listed. And one file's failure by name.
/// </summary>
public sealed class ListIngestFailures(IngestStateStore state)
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 100;

    [Function(nameof(ListIngestFailures))]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.IngestFailures)] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!PageQuery.TryReadPage(request.Query, DefaultLimit, MaxLimit, out var limit, out var cursor, out var invalid))
        {
            return invalid!;
        }

        string? token = null;
        if (cursor is not null && (token = TableContinuation.FromCursor(cursor)) is null)
        {
            return ApiResults.BadParameter(QueryParameters.Cursor, "The cursor is not one this list returned.");
        }

        var (items, next) = await state.ListFailuresAsync(token, limit, cancellationToken).ConfigureAwait(false);
        request.HttpContext.Response.Headers.CacheControl = ApiResults.PrivateCaching;
        return ApiResults.Json(new
        {
            items = items.Select(Represent),
            cursor = next is null ? null : TableContinuation.ToCursor(next),
        });
    }

    /// <summary>One file's failure (function key): <c>?name=</c> its name in the incoming container.</summary>
    [Function(nameof(GetIngestFailure))]
    public async Task<IResult> GetIngestFailure(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.IngestFailure)] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (QueryParameters.RequireName(request.Query, out var name) is { } badName)
        {
            return badName;
        }

        var failure = await state.GetFailureAsync(StorageNames.IncomingContainer, name, cancellationToken).ConfigureAwait(false);
        request.HttpContext.Response.Headers.CacheControl = ApiResults.PrivateCaching;
        return failure is null
            ? ApiResults.Problem(StatusCodes.Status404NotFound, "No such failure", "No failure is recorded for that file: it went through, or it never failed.")
            : ApiResults.Json(Represent(failure));
    }

    private static object Represent(BlobFailure f) => new
    {
        blobName = f.BlobName,
        etag = f.ETag,
        state = f.GaveUp ? "gave-up" : "retrying",
        attempts = f.Attempts,
        lastError = f.LastError,
        firstFailedAt = f.FirstFailedAt,
        lastFailedAt = f.LastFailedAt,
        nextAttemptAt = f.NextAttemptAt,
    };
}
