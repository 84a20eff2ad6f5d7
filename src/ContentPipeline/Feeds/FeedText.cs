using System.Globalization;
using ContentPipeline.Storage;

namespace ContentPipeline.Feeds;

/// <summary>What the three feed writers say alike about a feed and its items.</summary>
internal static class FeedText
{
    public const string TagAuthority = "tag:contentpipeline,2026:";

    public const string Generator = "ContentPipeline";

    public static string FeedId(FeedDocument document) => $"{TagAuthority}feed/{document.Definition.BasePath}";

    /// <summary>The category and topics, each once, cleaned for XML.</summary>
    public static IEnumerable<string> Categories(ArticleSummary article) =>
        new[] { article.Category }.Concat(article.Topics).Select(XmlSafeText.Clean).Where(static c => c.Length > 0).Distinct(StringComparer.Ordinal);

    /// <summary>The provider as the item's author: its name (else domain) and its site.</summary>
    public static (string Name, string? Url)? Author(ArticleSummary article)
    {
        var name = article.Provider?.Name ?? article.Provider?.Domain;
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var url = article.Provider?.Domain is { Length: > 0 } domain && Uri.TryCreate($"https://{domain}/", UriKind.Absolute, out var site) ? site.AbsoluteUri : null;
        return (XmlSafeText.Clean(name), url);
    }

    /// <summary>When the item last changed: its update time, or its publication when that is later.</summary>
    public static DateTimeOffset Updated(ArticleSummary article) =>
        article.UpdatedAt > article.PublishedDateTime ? article.UpdatedAt : article.PublishedDateTime;

    /// <summary>The item's link, when its web URL is an absolute URL.</summary>
    public static string? Link(ArticleSummary article) =>
        Uri.TryCreate(article.WebUrl, UriKind.Absolute, out var link) ? link.AbsoluteUri : null;

    /// <summary>The lead image's URL and media type, when it is an absolute URL.</summary>
    public static (string Url, string MediaType)? Image(ArticleSummary article) =>
        article.Image is { } image && Uri.TryCreate(image.Url, UriKind.Absolute, out var url) ? (url.AbsoluteUri, ImageMediaType(url)) : null;

    /// <summary>RFC 3339 in UTC, as Atom and JSON Feed write dates.</summary>
    public static string Rfc3339(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>RFC 822 (RFC 1123 form), as RSS 2.0 writes dates.</summary>
    public static string Rfc822(DateTimeOffset value) => value.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);

    private static string ImageMediaType(Uri url) => Path.GetExtension(url.AbsolutePath).ToUpperInvariant() switch
    {
        ".PNG" => "image/png",
        ".GIF" => "image/gif",
        ".WEBP" => "image/webp",
        ".SVG" => "image/svg+xml",
        _ => "image/jpeg",
    };
}
