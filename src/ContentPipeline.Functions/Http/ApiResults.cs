using ContentPipeline.Articles;
using ContentPipeline.Stories;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ContentPipeline.Functions.Http;

/// <summary>The app's responses: JSON in the pipeline's one shape, errors as <c>application/problem+json</c>.</summary>
internal static class ApiResults
{
    /// <summary>Caches may keep public responses but must revalidate (a cheap 304), so an unpublished article disappears at once.</summary>
    public const string PublicCaching = "public, no-cache";

    /// <summary>For editors' responses and every error: nobody keeps a copy.</summary>
    public const string NoStore = "no-store";

    /// <summary>Editors' responses: only the editor's own browser may keep them, and only to revalidate.</summary>
    public const string PrivateCaching = "private, no-store";

    private const string JsonContentType = "application/json; charset=utf-8";

    public static IResult Json(object value, int statusCode = StatusCodes.Status200OK) =>
        Results.Json(value, ArticleJson.WebOptions, JsonContentType, statusCode);

    /// <summary>A 200 of JSON already written as UTF-8 with <see cref="ArticleJson.WebOptions"/>' escaping.</summary>
    public static IResult Utf8Json(byte[] json) => Results.Bytes(json, JsonContentType);

    /// <summary>
    /// An <c>application/problem+json</c> error, never cacheable; <paramref name="retryAfter"/> adds <c>Retry-After</c>,
    /// <paramref name="currentETag"/> the resource's current <c>ETag</c> (a 412 tells the caller what it missed).
    /// </summary>
    public static IResult Problem(int status, string title, string detail, string? parameter = null, TimeSpan? retryAfter = null, string? currentETag = null) =>
        CreateProblem(status, title, detail, parameter is null ? null : new Dictionary<string, object?> { ["parameter"] = parameter }, retryAfter, currentETag);

    /// <summary>A 400 for a query parameter the operation does not read, listing the ones it does.</summary>
    public static IResult UnknownParameter(string parameter, IReadOnlyCollection<string> known) =>
        CreateProblem(
            StatusCodes.Status400BadRequest,
            $"Unknown parameter '{parameter}'",
            known.Count == 0
                ? $"This operation reads no query parameters (besides {QueryParameters.Code}, the function key)."
                : $"This operation reads {string.Join(", ", known)} (and {QueryParameters.Code}, the function key).",
            new Dictionary<string, object?> { ["parameter"] = parameter, ["known"] = known },
            retryAfter: null,
            currentETag: null);

    public static IResult BadParameter(string parameter, string detail) =>
        Problem(StatusCodes.Status400BadRequest, $"Invalid parameter '{parameter}'", detail, parameter);

    public static IResult ArticleNotFound(string id) =>
        Problem(StatusCodes.Status404NotFound, "Article not found", $"There is no article '{id}'.");

    public static IResult StoryNotFound(string id) =>
        Problem(StatusCodes.Status404NotFound, "Story not found", $"There is no story '{id}' (or none of its articles is shown).");

    /// <summary>Validates an id route value before it reaches storage (keys forbid / \ # ? and control characters).</summary>
    public static IResult? ValidateId(string? id) =>
        ArticleId.IsWellFormed(id)
            ? null
            : BadParameter("id", $"An article id is {ArticleId.Length} lowercase hexadecimal characters.");

    /// <summary>Validates a story id route value the same way (story ids have the shape of article ids).</summary>
    public static IResult? ValidateStoryId(string? id) =>
        StoryIds.IsWellFormed(id)
            ? null
            : BadParameter("id", $"A story id is {ArticleId.Length} lowercase hexadecimal characters.");

    private static ProblemResult CreateProblem(int status, string title, string detail, Dictionary<string, object?>? extensions, TimeSpan? retryAfter, string? currentETag) =>
        new(Results.Problem(detail: detail, statusCode: status, title: title, type: $"https://httpstatuses.io/{status}", extensions: extensions), retryAfter, currentETag);

    public static void SetCaching(HttpResponse response, string etag, bool isPublic)
    {
        response.Headers[HeaderNames.ETag] = etag;
        response.Headers[HeaderNames.CacheControl] = isPublic ? PublicCaching : PrivateCaching;
    }
}
