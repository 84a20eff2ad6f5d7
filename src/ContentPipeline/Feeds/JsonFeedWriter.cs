using System.Text.Json;
using System.Text.Json.Serialization;

namespace ContentPipeline.Feeds;

/// <summary>JSON Feed 1.1, written by System.Text.Json; <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c> and quotes are escaped, so a feed is safe to embed in a page.</summary>
internal static class JsonFeedWriter
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    /// <summary>The hub type JSON Feed 1.1 names for WebSub.</summary>
    private const string WebSubHubType = "WebSub";

    public static byte[] Write(FeedDocument document) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new JsonFeed(
                "https://jsonfeed.org/version/1.1",
                XmlSafeText.Clean(document.Title),
                document.SiteUrl?.AbsoluteUri,
                document.SelfUrl.AbsoluteUri,
                XmlSafeText.Clean(document.Description),
                document.HubUrl is { } hub ? [new JsonFeedHub(WebSubHubType, hub.AbsoluteUri)] : null,
                document.Items.Select(a => new JsonFeedItem(
                    FeedWriter.ItemId(a.Id),
                    FeedText.Link(a),
                    XmlSafeText.Clean(a.Title),
                    a.Excerpt is null ? null : XmlSafeText.Clean(a.Excerpt),
                    XmlSafeText.Clean(a.Excerpt ?? a.Title),
                    a.ContentHtml,
                    FeedText.Image(a)?.Url,
                    FeedText.Rfc3339(a.PublishedDateTime),
                    FeedText.Rfc3339(FeedText.Updated(a)),
                    FeedText.Categories(a).ToList(),
                    FeedText.Author(a) is { } author ? [new JsonFeedAuthor(author.Name, author.Url)] : null)).ToList()),
            JsonOptions);

    private sealed record JsonFeed(
        [property: JsonPropertyName("version")] string Version,
        [property: JsonPropertyName("title")] string Title,
        [property: JsonPropertyName("home_page_url")] string? HomePageUrl,
        [property: JsonPropertyName("feed_url")] string FeedUrl,
        [property: JsonPropertyName("description")] string Description,
        [property: JsonPropertyName("hubs")] IReadOnlyList<JsonFeedHub>? Hubs,
        [property: JsonPropertyName("items")] IReadOnlyList<JsonFeedItem> Items);

    private sealed record JsonFeedItem(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("url")] string? Url,
        [property: JsonPropertyName("title")] string Title,
        [property: JsonPropertyName("summary")] string? Summary,
        [property: JsonPropertyName("content_text")] string ContentText,
        [property: JsonPropertyName("content_html")] string? ContentHtml,
        [property: JsonPropertyName("image")] string? Image,
        [property: JsonPropertyName("date_published")] string DatePublished,
        [property: JsonPropertyName("date_modified")] string DateModified,
        [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags,
        [property: JsonPropertyName("authors")] IReadOnlyList<JsonFeedAuthor>? Authors);

    /// <summary>JSON Feed 1.1's hub object: the protocol (<c>WebSub</c>) and the hub's URL.</summary>
    private sealed record JsonFeedHub(
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("url")] string Url);

    private sealed record JsonFeedAuthor(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("url")] string? Url);
}
