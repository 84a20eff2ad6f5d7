using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace ContentPipeline.Functions.Http;

/// <summary>The query of paged lists: <c>limit</c>, a whole number from 1 to a maximum with a default, and <c>cursor</c>.</summary>
internal static class PageQuery
{
    private static readonly string[] PageParameters = [QueryParameters.Limit, QueryParameters.Cursor];

    /// <summary>
    /// Reads the query of a list that takes nothing but <c>limit</c> and <c>cursor</c>: false with the 400 to answer
    /// when it holds another parameter or a bad limit. The cursor is the list's to check.
    /// </summary>
    public static bool TryReadPage(IQueryCollection query, int defaultLimit, int maxLimit, out int limit, out string? cursor, out IResult? problem)
    {
        ArgumentNullException.ThrowIfNull(query);
        cursor = query.TryGetValue(QueryParameters.Cursor, out var text) ? text.ToString() : null;
        limit = defaultLimit;
        problem = QueryParameters.RejectUnknown(query, PageParameters);
        return problem is null && TryRead(query, defaultLimit, maxLimit, out limit, out problem);
    }

    /// <summary>Reads <c>limit</c>; false with the 400 to answer when it is not a whole number in range.</summary>
    public static bool TryRead(IQueryCollection query, int defaultLimit, int maxLimit, out int limit, out IResult? problem)
    {
        ArgumentNullException.ThrowIfNull(query);
        limit = defaultLimit;
        problem = null;
        if (query.TryGetValue(QueryParameters.Limit, out var text)
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > maxLimit))
        {
            problem = ApiResults.BadParameter(QueryParameters.Limit, $"A whole number from 1 to {maxLimit}.");
            return false;
        }

        return true;
    }
}
