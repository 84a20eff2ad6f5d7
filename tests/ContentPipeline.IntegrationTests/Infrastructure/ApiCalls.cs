using ContentPipeline.Functions.Articles;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPipeline.IntegrationTests.Infrastructure;

/// <summary>The reading calls of the API, each through its function class with a real ASP.NET Core request.</summary>
public sealed class ApiCalls(IServiceProvider services)
{
    /// <summary>The public lookup; the request's path holds a placeholder id, so that a hostile id still names the operation.</summary>
    public Task<HttpReply> GetAsync(string id) =>
        CallAsync(HttpCall.Create(services, "GET", "/api/articles/x"), (GetArticle f, HttpRequest r) => f.RunAsync(r, id, default));

    public Task<HttpReply> EditorGetAsync(string id) =>
        CallAsync(HttpCall.Create(services, "GET", $"/api/editor/articles/{id}"), (GetArticle f, HttpRequest r) => f.GetEditorArticle(r, id, default));

    public Task<HttpReply> ListAsync(string query) =>
        CallAsync(HttpCall.Create(services, "GET", "/api/articles", query), (ListArticles f, HttpRequest r) => f.RunAsync(r, default));

    public Task<HttpReply> EditorListAsync(string query) =>
        CallAsync(HttpCall.Create(services, "GET", "/api/editor/articles", query), (ListArticles f, HttpRequest r) => f.ListEditorArticles(r, default));

    /// <summary>Runs <paramref name="invoke"/> on a new instance of the function class, as the worker does per invocation.</summary>
    public async Task<HttpReply> CallAsync<TFunction>(HttpCall call, Func<TFunction, HttpRequest, Task<IResult>> invoke)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(invoke);
        var function = ActivatorUtilities.CreateInstance<TFunction>(services);
        return await call.ExecuteAsync(await invoke(function, call.Request));
    }
}
