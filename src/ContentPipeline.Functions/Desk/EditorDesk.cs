using System.Collections.Frozen;
using System.Security.Cryptography;
using ContentPipeline.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;

namespace ContentPipeline.Functions.Desk;

/// <summary>
/// Serves the editors' desk, a page over the editors' API, from files embedded in the app: anonymous (the page holds
/// no data; every call it makes needs the editor's key), three files, nothing from elsewhere, and a
/// <c>Content-Security-Policy</c> that allows only the page's own script and styles, its API, and images in articles.
/// </summary>
public sealed class EditorDesk
{
    /// <summary>The page's policy: its own files only, no inline script or style, no framing, no form posts, no base.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: http:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, DeskFile> Files = new Dictionary<string, DeskFile>(StringComparer.Ordinal)
    {
        ["index.html"] = DeskFile.Load("index.html", "text/html; charset=utf-8"),
        ["desk.css"] = DeskFile.Load("desk.css", "text/css; charset=utf-8"),
        ["desk.js"] = DeskFile.Load("desk.js", "text/javascript; charset=utf-8"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    [Function(nameof(EditorDesk))]
    public IResult Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Desk)] HttpRequest request,
        string file)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (QueryParameters.RejectUnknown(request.Query) is { } unknown)
        {
            return unknown;
        }

        if (!Files.TryGetValue(file, out var served))
        {
            return ApiResults.BadParameter(nameof(file), $"One of {string.Join(", ", Files.Keys)}.");
        }

        var headers = request.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers[HeaderNames.XFrameOptions] = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        headers.ETag = served.ETag;
        return request.Headers.IfNoneMatch.Contains(served.ETag)
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Bytes(served.Content, served.ContentType);
    }

    private sealed record DeskFile(byte[] Content, string ContentType, string ETag)
    {
        public static DeskFile Load(string name, string contentType)
        {
            using var stream = typeof(EditorDesk).Assembly.GetManifestResourceStream($"ContentPipeline.Functions.Desk.{name}")
                ?? throw new InvalidOperationException($"Desk/{name} is not embedded in the Functions app.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            return new DeskFile(content, contentType, $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"");
        }
    }
}
