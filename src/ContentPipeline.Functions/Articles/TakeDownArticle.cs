using Azure;
using ContentPipeline.Articles;
using ContentPipeline.Functions.Http;
using ContentPipeline.Ingest;
using ContentPipeline.Storage;
using ContentPipeline.Stories;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ContentPipeline.Functions.Articles;

/// <summary>
/// Editors' takedown and restore (function key required, <c>If-Match</c> honoured). A takedown removes the article
/// from every list at once and from the feeds at their next run, deletes its body, and leaves a tombstone (when, by which key, why) that keeps it down
/// whatever arrives later: a late or repeated event, an old file run again, a re-upload. Only a restore lifts it; the
/// restore ingests the article's file again when it still exists.
/// </summary>
public sealed partial class TakeDownArticle(ArticleStore store, IngestService ingest, StoryAssigner stories, TimeProvider time, ILogger<TakeDownArticle> logger)
{
    /// <summary>The longest reason kept with a takedown.</summary>
    public const int MaxReasonLength = 500;

    private static readonly TimeSpan RestoreRetryAfter = TimeSpan.FromSeconds(30);

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
            (precondition, ct) => stories.FollowAsync(store.TakeDownAsync(id, by, string.IsNullOrEmpty(reason) ? null : reason, precondition, ct), ct),
            (result, article) => AnswerTakedown(result.Outcome == SaveOutcome.Updated, id, article),
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

        StoredArticle? after = null;
        var restored = false;
        var answer = await EditorChange.ApplyAsync(
            request,
            id,
            async (precondition, ct) =>
            {
                var result = await store.RestoreAsync(id, precondition, ct).ConfigureAwait(false);
                (restored, after) = (result.Outcome == SaveOutcome.Updated, result.Article);
                return result;
            },
            (_, article) => Answer(id, changed: false, article, "Not taken down; nothing changed."),
            cancellationToken).ConfigureAwait(false);

        // Restored now, or earlier by a call whose ingest failed: bring the content back from the article's file, if it
        // is still there; otherwise the article returns with its next upload.
        if (after is null || after.StateAt(time.GetUtcNow()) != ArticleState.Removed || after.Source.BlobName.Length == 0)
        {
            return answer;
        }

        var source = after.Source.BlobName;
        IngestResult ingested;
        try
        {
            ingested = await ingest.IngestAsync(source, cancellationToken).ConfigureAwait(false);
            await ingested.Indexed.ConfigureAwait(false); // the editor's answer comes with the article back in its lists
        }
        catch (Exception ex) when (ex is RequestFailedException or ArticleContentionException)
        {
            LogRestoreIngestFailed(ex, id);
            return ApiResults.Problem(StatusCodes.Status503ServiceUnavailable, "Restored, but its file could not be read now",
                $"The takedown of {id} is lifted; its file {source} could not be ingested yet. Call restore again to retry.", retryAfter: RestoreRetryAfter);
        }

        var now = await store.GetAsync(id, includeBody: false, cancellationToken).ConfigureAwait(false);
        if (now is null)
        {
            return ApiResults.ArticleNotFound(id);
        }

        ApiResults.SetCaching(request.HttpContext.Response, EntityTags.For(now.Version), isPublic: false);
        return Answer(id, changed: restored || ingested.ArticleId == id, now, ingested.ArticleId == id
            ? $"Restored from its file {source}."
            : $"Restored; its file {source} is gone or no longer holds the article, so it stays removed until it is uploaded again.");
    }

    private IResult AnswerTakedown(bool changed, string id, StoredArticle article) =>
        Answer(id, changed, article, changed ? "Taken down." : "Already taken down; nothing changed.");

    [LoggerMessage(Level = LogLevel.Error, Message = "Restored article {ArticleId}, but could not ingest its file again; a second restore retries")]
    private partial void LogRestoreIngestFailed(Exception exception, string articleId);

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
