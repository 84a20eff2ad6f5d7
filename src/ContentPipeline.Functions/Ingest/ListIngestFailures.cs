using System.Globalization;
using ContentPipeline.Functions.Http;
using ContentPipeline.Ingest;
using ContentPipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.Functions.Ingest;

/// <summary>
/// Editors' list of the files that failed to ingest (function key): being tried again, with their next attempt, or
/// given up, with the last error. A file that went through since is no longer listed.
/// </summary>
public sealed class ListIngestFailures(IngestStateStore state)
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 100;
    private static readonly string[] Parameters = [QueryParameters.Limit, QueryParameters.Cursor];

    [Function(nameof(ListIngestFailures))]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.IngestFailures)] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (QueryParameters.RejectUnknown(request.Query, Parameters) is { } unknown)
        {
            return unknown;
        }

        var limit = DefaultLimit;
        if (request.Query.TryGetValue(QueryParameters.Limit, out var limitText)
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            return ApiResults.BadParameter(QueryParameters.Limit, $"A whole number from 1 to {MaxLimit}.");
        }

        string? token = null;
        if (request.Query.TryGetValue(QueryParameters.Cursor, out var cursor) && (token = TableContinuation.FromCursor(cursor.ToString())) is null)
        {
            return ApiResults.BadParameter(QueryParameters.Cursor, "The cursor is not one this list returned.");
        }

        var (items, next) = await state.ListFailuresAsync(token, limit, cancellationToken).ConfigureAwait(false);
        request.HttpContext.Response.Headers.CacheControl = ApiResults.PrivateCaching;
        return ApiResults.Json(new
        {
            items = items.Select(f => new
            {
                blobName = f.BlobName,
                etag = f.ETag,
                state = f.GaveUp ? "gave-up" : "retrying",
                attempts = f.Attempts,
                lastError = f.LastError,
                firstFailedAt = f.FirstFailedAt,
                lastFailedAt = f.LastFailedAt,
                nextAttemptAt = f.NextAttemptAt,
            }),
            cursor = next is null ? null : TableContinuation.ToCursor(next),
        });
    }
}
