using System.Text;
using System.Text.Json;
using ContentPipeline.IntegrationTests.Contract;
using Microsoft.AspNetCore.Http;

namespace ContentPipeline.IntegrationTests.Infrastructure;

/// <summary>A real ASP.NET Core request for a function class, and the response its result writes.</summary>
public sealed class HttpCall
{
    private HttpCall(DefaultHttpContext context) => Context = context;

    public DefaultHttpContext Context { get; }

    public HttpRequest Request => Context.Request;

    public static HttpCall Create(IServiceProvider services, string method, string path, string? query = null, byte[]? body = null)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = method;
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("localhost");
        context.Request.Path = path;
        context.Request.QueryString = query is null ? QueryString.Empty : new QueryString(query.StartsWith('?') ? query : "?" + query);
        if (body is not null)
        {
            context.Request.Body = new MemoryStream(body);
            context.Request.ContentLength = body.Length;
        }

        context.Response.Body = new MemoryStream();
        return new HttpCall(context);
    }

    public HttpCall WithHeader(string name, string value)
    {
        Request.Headers[name] = value;
        return this;
    }

    /// <summary>
    /// Executes the function's result the way the ASP.NET Core integration does, and reads the response; a response
    /// that openapi.json does not describe throws <see cref="ContractViolationException"/>.
    /// </summary>
    public async Task<HttpReply> ExecuteAsync(IResult result)
    {
        await result.ExecuteAsync(Context);
        Context.Response.Body.Position = 0;
        var text = await new StreamReader(Context.Response.Body, Encoding.UTF8).ReadToEndAsync();
        var reply = new HttpReply(Context.Response.StatusCode, Context.Response.ContentType, Context.Response.Headers, text);
        ApiContract.Instance.Verify(new ApiExchange(
            Request.Method, Request.Path, reply.Status, reply.ContentType,
            name => reply.Headers.TryGetValue(name, out var values) ? values.ToString() : null,
            reply.Body));
        return reply;
    }
}

public sealed record HttpReply(int Status, string? ContentType, IHeaderDictionary Headers, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? ETag => Headers.ETag.ToString() is { Length: > 0 } etag ? etag : null;
}
