using ContentPipeline.LocalHost.Catalog;
using Microsoft.AspNetCore.Routing.Template;

namespace ContentPipeline.LocalHost.Http;

/// <summary>
/// Finds the HTTP-triggered function for a request, as the Azure host routes them: <c>/{routePrefix}/{route}</c>, with the
/// function's methods (none declared: any). The routes come from the worker's metadata, so they are known only once it
/// has started; hence a router, not endpoints mapped at start-up.
/// </summary>
public sealed class HttpFunctionRouter
{
    private readonly List<(FunctionDescriptor Function, TemplateMatcher Matcher)> _routes;

    public HttpFunctionRouter(FunctionCatalog catalog, HostJson hostJson)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(hostJson);
        _routes = catalog.Functions
            .Where(f => f.Http is not null)
            .Select(f => (f, new TemplateMatcher(TemplateParser.Parse(hostJson.RoutePrefix.Length == 0 ? f.Http!.Route : $"{hostJson.RoutePrefix}/{f.Http!.Route}"), new RouteValueDictionary())))
            // Literal segments before parameters, as ASP.NET Core orders them: 'articles/feed' wins over 'articles/{id}'.
            .OrderBy(r => r.Item2.Template.Segments.Count(s => s.IsSimple && s.Parts[0].IsParameter))
            .ToList();
    }

    /// <summary>The function and its route values for <paramref name="method"/> and <paramref name="path"/>; null when none matches.</summary>
    public (FunctionDescriptor Function, RouteValueDictionary Values)? Match(string method, PathString path)
    {
        foreach (var (function, matcher) in _routes)
        {
            var values = new RouteValueDictionary();
            if (matcher.TryMatch(path, values)
                && (function.Http!.Methods.Count == 0 || function.Http.Methods.Contains(method, StringComparer.OrdinalIgnoreCase)))
            {
                return (function, values);
            }
        }

        return null;
    }
}
