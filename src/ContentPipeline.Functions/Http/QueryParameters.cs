using Microsoft.AspNetCore.Http;

namespace ContentPipeline.Functions.Http;

/// <summary>
/// The query parameters of the API. Each operation names the ones it reads and rejects any other with a 400 that lists
/// them, so a misspelt filter never silently answers with everything (and a test can hold the list to openapi.json).
/// </summary>
internal static class QueryParameters
{
    public const string Category = "category";
    public const string Topic = "topic";
    public const string Provider = "provider";
    public const string Limit = "limit";
    public const string Cursor = "cursor";
    public const string Status = "status";
    public const string At = "at";
    public const string Reason = "reason";

    /// <summary>The function key may come as a query parameter: the host checks it, every operation ignores it.</summary>
    public const string Code = "code";

    /// <summary>A 400 naming the first parameter that <paramref name="known"/> does not hold; null when there is none.</summary>
    public static IResult? RejectUnknown(IQueryCollection query, params IReadOnlyCollection<string> known)
    {
        foreach (var name in query.Keys)
        {
            if (name != Code && !known.Contains(name, StringComparer.Ordinal))
            {
                return ApiResults.UnknownParameter(name, known);
            }
        }

        return null;
    }
}
