using ContentPipeline.Functions.Http;
using ContentPipeline.Stories;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;

namespace ContentPipeline.Functions.Stories;

/// <summary>
/// One story: its lead, its other articles and its source count. Readers see its published articles only (a story
/// with none answers 404); editors see all of them, and the story's <c>ETag</c> to split or merge it.
/// </summary>
public sealed class GetStory(StoryQueries stories)
{
    [Function(nameof(GetStory))]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Story)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        ServeAsync(request, id, Audience.Public, cancellationToken);

    [Function(nameof(GetEditorStory))]
    public Task<IResult> GetEditorStory(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.EditorStory)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        ServeAsync(request, id, Audience.Editor, cancellationToken);

    private async Task<IResult> ServeAsync(HttpRequest request, string id, Audience audience, CancellationToken cancellationToken)
    {
        if ((ApiResults.ValidateStoryId(id) ?? QueryParameters.RejectUnknown(request.Query)) is { } invalid)
        {
            return invalid;
        }

        if (await stories.GetAsync(id, visibleOnly: audience == Audience.Public, cancellationToken).ConfigureAwait(false) is not { } story)
        {
            return ApiResults.StoryNotFound(id);
        }

        request.HttpContext.Response.Headers.CacheControl = audience == Audience.Public ? ApiResults.PublicCaching : ApiResults.PrivateCaching;
        if (audience == Audience.Editor)
        {
            request.HttpContext.Response.Headers[HeaderNames.ETag] = story.Tag;
        }

        return ApiResults.Json(StoryRepresentation.Of(story));
    }
}
