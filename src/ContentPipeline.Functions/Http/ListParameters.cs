using System.Globalization;
using ContentPipeline.Articles;
using ContentPipeline.Storage;
using Microsoft.AspNetCore.Http;

namespace ContentPipeline.Functions.Http;

/// <summary>Reads and validates the query string of a list request; every mistake names its parameter.</summary>
internal static class ListParameters
{
    private const string Category = QueryParameters.Category;
    private const string Topic = QueryParameters.Topic;
    private const string Provider = QueryParameters.Provider;
    private const string Limit = QueryParameters.Limit;
    private const string Cursor = QueryParameters.Cursor;
    private const string Status = QueryParameters.Status;
    private const string Order = QueryParameters.Order;

    private static readonly string[] Filters = [Category, Topic, Provider];

    /// <summary>The editors' <c>status</c> values, as the API names them.</summary>
    private static readonly Dictionary<string, ArticleStatus> Statuses = new(StringComparer.Ordinal)
    {
        ["draft"] = ArticleStatus.Draft,
        ["scheduled"] = ArticleStatus.Scheduled,
        ["published"] = ArticleStatus.Published,
        ["expired"] = ArticleStatus.Expired,
        ["taken-down"] = ArticleStatus.TakenDown,
        ["all"] = ArticleStatus.All,
    };

    /// <summary>What each audience's list reads.</summary>
    private static readonly string[] PublicParameters = [.. Filters, Order, Limit, Cursor];
    private static readonly string[] EditorParameters = [Status, .. Filters, Order, Limit, Cursor];

    /// <summary>The <c>order</c> values, as the API names them.</summary>
    private static readonly Dictionary<string, ArticleOrder> Orders = new(StringComparer.Ordinal)
    {
        ["newest"] = ArticleOrder.Newest,
        ["hot"] = ArticleOrder.Hot,
    };

    public static bool TryRead(IQueryCollection query, Audience audience, out ArticleListRequest request, out IResult? problem)
    {
        request = new ArticleListRequest(ArticleStatus.Published, null, ArticleQueries.DefaultLimit, null);
        problem = null;
        if (audience == Audience.Public && query.ContainsKey(Status))
        {
            problem = ApiResults.Problem(StatusCodes.Status401Unauthorized, "Drafts need a function key", $"'{Status}' is for editors: call /api/{Routes.EditorArticles} with a function key (x-functions-key header or code parameter).", Status);
            return false;
        }

        if (QueryParameters.RejectUnknown(query, audience == Audience.Editor ? EditorParameters : PublicParameters) is { } unknown)
        {
            problem = unknown;
            return false;
        }

        foreach (var (name, values) in query)
        {
            if (name != QueryParameters.Code && (values.Count != 1 || string.IsNullOrWhiteSpace(values[0])))
            {
                problem = ApiResults.BadParameter(name, "Give it exactly once, with a value.");
                return false;
            }
        }

        var filters = Filters.Where(query.ContainsKey).ToList();
        if (filters.Count > 1)
        {
            problem = ApiResults.BadParameter(filters[1], $"Filter by one of {string.Join(", ", Filters)} at a time; each is its own newest-first index.");
            return false;
        }

        ArticleFilter? filter = null;
        if (filters.Count == 1)
        {
            var slug = Slug.From(query[filters[0]].ToString());
            if (slug.Length == 0)
            {
                problem = ApiResults.BadParameter(filters[0], "The value needs at least one letter or digit.");
                return false;
            }

            filter = new ArticleFilter(filters[0] switch { Category => ArticleFilterKind.Category, Topic => ArticleFilterKind.Topic, _ => ArticleFilterKind.Provider }, slug);
        }

        if (!PageQuery.TryRead(query, ArticleQueries.DefaultLimit, ArticleQueries.MaxLimit, out var limit, out problem))
        {
            return false;
        }

        var status = audience == Audience.Editor ? ArticleStatus.All : ArticleStatus.Published;
        if (query.TryGetValue(Status, out var statusText))
        {
            if (!Statuses.TryGetValue(statusText.ToString(), out status))
            {
                problem = ApiResults.BadParameter(Status, $"One of {string.Join(", ", Statuses.Keys)}.");
                return false;
            }
        }

        var order = ArticleOrder.Newest;
        if (query.TryGetValue(Order, out var orderText) && !Orders.TryGetValue(orderText.ToString(), out order))
        {
            problem = ApiResults.BadParameter(Order, $"One of {string.Join(", ", Orders.Keys)}.");
            return false;
        }

        if (filter is not null && status != ArticleStatus.Published)
        {
            problem = ApiResults.BadParameter(filters[0], $"Filters apply to published articles only: add {Status}=published.");
            return false;
        }

        request = new ArticleListRequest(status, filter, limit, query.TryGetValue(Cursor, out var cursor) ? cursor.ToString() : null, VisibleOnly: audience == Audience.Public, Order: order);
        return true;
    }
}
