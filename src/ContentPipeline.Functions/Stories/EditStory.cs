using ContentPipeline.Articles;
using ContentPipeline.Functions.Http;
using ContentPipeline.Stories;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;

namespace ContentPipeline.Functions.Stories;

/// <summary>
/// Editors' corrections of the clustering (function key; <c>If-Match</c> with the story's ETag is required, so nobody
/// splits or merges a story they have not seen as it is): split an article out into a story of its own, or merge
/// another story into this one. The articles moved stay where the editor put them through new uploads of their files.
/// </summary>
public sealed class EditStory(StoryEditor editor, StoryQueries stories)
{
    [Function(nameof(SplitStory))]
    public Task<IResult> SplitStory(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.SplitStory)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        ApplyAsync(request, id, QueryParameters.Article, (ifMatch, other, ct) => editor.SplitAsync(id, other, ifMatch, ct), cancellationToken);

    [Function(nameof(MergeStory))]
    public Task<IResult> MergeStory(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.MergeStory)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        ApplyAsync(request, id, QueryParameters.Story, (ifMatch, other, ct) => editor.MergeAsync(id, other, ifMatch, ct), cancellationToken);

    private async Task<IResult> ApplyAsync(HttpRequest request, string id, string parameter, Func<string, string, CancellationToken, Task<StoryEditResult>> edit, CancellationToken cancellationToken)
    {
        if ((ApiResults.ValidateStoryId(id) ?? QueryParameters.RejectUnknown(request.Query, parameter)) is { } invalid)
        {
            return invalid;
        }

        var other = request.Query[parameter].ToString();
        if (!(parameter == QueryParameters.Article ? ArticleId.IsWellFormed(other) : StoryIds.IsWellFormed(other)))
        {
            return ApiResults.BadParameter(parameter, $"Required: an {(parameter == QueryParameters.Article ? "article" : "story")} id, {ArticleId.Length} lowercase hexadecimal characters.");
        }

        var ifMatch = request.Headers.IfMatch.ToString().Trim();
        if (ifMatch.Length == 0)
        {
            return ApiResults.Problem(StatusCodes.Status428PreconditionRequired, "If-Match required",
                "Send the story's ETag (from GET /api/editor/stories/{id}) in If-Match: a story changes as articles arrive.");
        }

        var result = await edit(ifMatch, other, cancellationToken).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case StoryEditOutcome.NotFound:
                return ApiResults.Problem(StatusCodes.Status404NotFound, "Not found", result.Detail!);
            case StoryEditOutcome.PreconditionFailed:
                return ApiResults.Problem(StatusCodes.Status412PreconditionFailed, "The story changed", result.Detail!, currentETag: result.Story?.Tag);
            case StoryEditOutcome.Refused:
                return ApiResults.Problem(StatusCodes.Status409Conflict, "Not possible", result.Detail!);
        }

        // The story the articles are in now, as an editor sees it.
        var story = await stories.GetAsync(result.Story!.Id, visibleOnly: false, cancellationToken).ConfigureAwait(false);
        request.HttpContext.Response.Headers[HeaderNames.CacheControl] = ApiResults.NoStore;
        if (story is null)
        {
            return ApiResults.StoryNotFound(result.Story.Id);
        }

        request.HttpContext.Response.Headers[HeaderNames.ETag] = story.Tag;
        return ApiResults.Json(StoryRepresentation.Of(story));
    }
}
