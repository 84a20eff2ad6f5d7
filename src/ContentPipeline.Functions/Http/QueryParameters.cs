using ContentPipeline.Ingest;
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
    public const string Name = "name";
    public const string Token = "token";
    public const string Order = "order";
    public const string Article = "article";
    public const string Story = "story";

    /// <summary>The function key may come as a query parameter: the host checks it, every operation ignores it.</summary>
    public const string Code = "code";

    /// <summary>
    /// Reads the query of a lookup by file name, which takes nothing but the required <c>name</c> of a file in the
    /// incoming container: a 400 naming the parameter when another is present, or the name is missing, empty or longer
    /// than a blob name may be. What looks the file up checks the name again for what it builds (a key, a blob name).
    /// </summary>
    public static IResult? RequireName(IQueryCollection query, out string name)
    {
        ArgumentNullException.ThrowIfNull(query);
        name = query[Name].ToString();
        return RejectUnknown(query, Name)
            ?? (name.Length is > 0 and <= BlobNames.MaxLength && !name.Any(char.IsControl)
                ? null
                : ApiResults.BadParameter(Name, $"The file's name in the incoming container, 1 to {BlobNames.MaxLength} characters, no control characters."));
    }

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
