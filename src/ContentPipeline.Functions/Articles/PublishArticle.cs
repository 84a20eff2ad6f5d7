using ContentPipeline.Articles;
using ContentPipeline.Functions.Http;
using ContentPipeline.Parsing;
using ContentPipeline.Storage;
using ContentPipeline.Stories;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.Functions.Articles;

/// <summary>
/// Editors' publish (now, or from <c>at</c> on) and unpublish (function key required). Idempotent,
/// <c>If-Match</c>-aware (a stale ETag is a 412; of two toggles sent with the same ETag exactly one wins), and the
/// change reaches every index before the response. A taken-down article is a 409 until it is restored.
/// </summary>
public sealed class PublishArticle(ArticleStore store, TimeProvider time, StoryAssigner stories)
{
    [Function(nameof(PublishArticle))]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Publish)] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        if ((ApiResults.ValidateId(id) ?? QueryParameters.RejectUnknown(request.Query, QueryParameters.At)) is { } invalid)
        {
            return Task.FromResult(invalid);
        }

        DateTimeOffset? at = null;
        if (request.Query.TryGetValue(QueryParameters.At, out var atText))
        {
            if (!IsoDate.TryParse(atText.ToString(), out var parsed))
            {
                return Task.FromResult(ApiResults.BadParameter(QueryParameters.At, "An ISO 8601 date and time, such as 2026-12-01T06:00:00Z (UTC when it has no offset)."));
            }

            at = parsed;
        }

        return ToggleAsync(request, id, published: true, at, cancellationToken);
    }

    [Function(nameof(UnpublishArticle))]
    public Task<IResult> UnpublishArticle(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Unpublish)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        (ApiResults.ValidateId(id) ?? QueryParameters.RejectUnknown(request.Query)) is { } invalid
            ? Task.FromResult(invalid)
            : ToggleAsync(request, id, published: false, at: null, cancellationToken);

    private Task<IResult> ToggleAsync(HttpRequest request, string id, bool published, DateTimeOffset? at, CancellationToken cancellationToken) =>
        EditorChange.ApplyAsync(
            request,
            id,
            (precondition, ct) => stories.FollowAsync(store.SetPublishedAsync(id, published, at, precondition, ct), ct),
            (result, article) =>
            {
                var changed = result.Outcome == SaveOutcome.Updated;
                var state = article.StateAt(time.GetUtcNow());
                return ApiResults.Json(new
                {
                    id,
                    published = article.Article.Published,
                    state = state.Name(),
                    publishAt = article.Article.PublishAt,
                    changed,
                    message = Message(published, state, changed),
                    publishedChangedAt = article.PublishedChangedAt,
                    version = article.Version,
                });
            },
            cancellationToken);

    private static string Message(bool published, ArticleState state, bool changed) => (published, state, changed) switch
    {
        (true, ArticleState.Scheduled, true) => "Scheduled.",
        (true, ArticleState.Scheduled, false) => "Already scheduled so; nothing changed.",
        (true, _, true) => "Published.",
        (true, _, false) => "Already published; nothing changed.",
        (false, _, true) => "Unpublished.",
        (false, _, false) => "Already a draft; nothing changed.",
    };
}
