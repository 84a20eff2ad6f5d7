using ContentPipeline.Articles;
using ContentPipeline.Functions.Http;
using ContentPipeline.Ingest;
using ContentPipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.Functions.Articles;

/// <summary>
/// Editors' takedown and restore (function key required, <c>If-Match</c> honoured). A takedown removes the article
/// from every list and feed and deletes its body, and leaves a tombstone (when, by which key, why) that keeps it down
/// whatever arrives later: a late or repeated event, an old file run again, a re-upload. Only a restore lifts it; the
/// restore ingests the article's file again when it still exists.
/// </summary>
public sealed class TakeDownArticle(ArticleStore store, IngestService ingest, TimeProvider time)
{
    /// <summary>The longest reason kept with a takedown.</summary>
    public const int MaxReasonLength = 500;

    [Function(nameof(TakeDownArticle))]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = Routes.Article)] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        if ((ApiResults.ValidateId(id) ?? QueryParameters.RejectUnknown(request.Query, QueryParameters.Reason)) is { } invalid)
        {
            return Task.FromResult(invalid);
        }

        var reason = request.Query.TryGetValue(QueryParameters.Reason, out var text) ? text.ToString().Trim() : null;
        if (reason is { Length: > MaxReasonLength } || reason?.Any(char.IsControl) == true)
        {
            return Task.FromResult(ApiResults.BadParameter(QueryParameters.Reason, $"At most {MaxReasonLength} characters, on one line."));
        }

        var by = EditorKey.Describe(request);
        return EditorChange.ApplyAsync(
            request,
            id,
            (precondition, ct) => store.TakeDownAsync(id, by, string.IsNullOrEmpty(reason) ? null : reason, precondition, ct),
            (result, article) => Answer(id, result.Outcome == SaveOutcome.Updated, article, "Taken down.", "Already taken down; nothing changed."),
            cancellationToken);
    }

    [Function(nameof(RestoreArticle))]
    public async Task<IResult> RestoreArticle(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Restore)] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        if ((ApiResults.ValidateId(id) ?? QueryParameters.RejectUnknown(request.Query)) is { } invalid)
        {
            return invalid;
        }

        var restored = false;
        string? source = null;
        var answer = await EditorChange.ApplyAsync(
            request,
            id,
            async (precondition, ct) =>
            {
                var result = await store.RestoreAsync(id, precondition, ct).ConfigureAwait(false);
                restored = result.Outcome == SaveOutcome.Updated;
                source = result.Article?.Source.BlobName;
                return result;
            },
            (_, article) => Answer(id, changed: false, article, string.Empty, "Not taken down; nothing changed."),
            cancellationToken).ConfigureAwait(false);
        if (!restored || source is null)
        {
            return answer;
        }

        // Bring the content back from the article's file, if it is still there; otherwise it returns with its next upload.
        var ingested = await ingest.IngestAsync(source, cancellationToken).ConfigureAwait(false);
        var now = await store.GetAsync(id, includeBody: false, cancellationToken).ConfigureAwait(false);
        if (now is null)
        {
            return ApiResults.ArticleNotFound(id);
        }

        ApiResults.SetCaching(request.HttpContext.Response, EntityTags.For(now.Version), isPublic: false);
        return Answer(id, changed: true, now, ingested.ArticleId == id
            ? $"Restored from its file {source}."
            : $"Restored; its file {source} is gone or no longer holds the article, so it stays removed until it is uploaded again.");
    }

    private IResult Answer(string id, bool changed, StoredArticle article, string changedMessage, string unchangedMessage) =>
        Answer(id, changed, article, changed ? changedMessage : unchangedMessage);

    private IResult Answer(string id, bool changed, StoredArticle article, string message) =>
        ApiResults.Json(new
        {
            id,
            state = article.StateAt(time.GetUtcNow()).Name(),
            changed,
            message,
            takedown = article.Takedown is { } takedown ? new { at = takedown.At, by = takedown.By, reason = takedown.Reason } : null,
            version = article.Version,
        });
}
