using System.Globalization;
using System.ServiceModel.Syndication;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;
using System.Xml.Linq;
using ContentPipeline.Storage;

namespace ContentPipeline.Feeds;

/// <summary>
/// Writes feeds with the well-kept libraries: System.ServiceModel.Syndication for RSS 2.0 and Atom 1.0,
/// System.Text.Json for JSON Feed 1.1. Output is deterministic (no clock, fixed formatting), UTF-8 without BOM, and
/// every text passes through <see cref="XmlSafeText.Clean"/>, so hostile titles still make well-formed feeds.
/// </summary>
public static class FeedWriter
{
    private const string TagAuthority = "tag:contentpipeline,2026:";

    private static readonly XmlWriterSettings XmlSettings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = true,
        NewLineChars = "\n",
        CheckCharacters = true,
    };

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Letters of every script as they are; <, >, & and quotes escaped, so the feed is safe to embed in a page.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    /// <summary>The stable id of an article in every feed (a tag URI, RFC 4151).</summary>
    public static string ItemId(string articleId) => $"{TagAuthority}article/{articleId}";

    /// <summary>Writes the feed in one format.</summary>
    public static byte[] Write(FeedDocument document, FeedFormat format)
    {
        ArgumentNullException.ThrowIfNull(document);
        return format == FeedFormat.Json ? WriteJson(document) : WriteXml(document, format);
    }

    private static byte[] WriteXml(FeedDocument document, FeedFormat format)
    {
        var feed = new SyndicationFeed(
            Text(document.Title, format),
            Text(document.Description, format),
            document.SiteUrl ?? document.SelfUrl,
            $"{TagAuthority}feed/{document.Definition.BasePath}",
            document.Updated)
        {
            Generator = "ContentPipeline",
            Items = document.Items.Select(a => ToItem(a, format)).ToList(),
        };
        feed.Links.Add(new SyndicationLink(document.SelfUrl, "self", null, FeedDefinition.ContentType(format).Split(';')[0], 0));

        // RFC 4287 needs an author on the feed or on every entry; entries without a provider inherit this one.
        feed.Authors.Add(new SyndicationPerson { Name = XmlSafeText.Clean(document.Title), Uri = document.SiteUrl?.AbsoluteUri });

        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, XmlSettings))
        {
            SyndicationFeedFormatter formatter = format == FeedFormat.Rss ? new Rss20FeedFormatter(feed, serializeExtensionsAsAtom: true) : new Atom10FeedFormatter(feed);
            formatter.WriteTo(writer);
        }

        return stream.ToArray();
    }

    private static SyndicationItem ToItem(ArticleSummary article, FeedFormat format)
    {
        var item = new SyndicationItem
        {
            Id = ItemId(article.Id),
            Title = new TextSyndicationContent(Text(article.Title, format)),
            PublishDate = article.PublishedDateTime,
            LastUpdatedTime = article.UpdatedAt > article.PublishedDateTime ? article.UpdatedAt : article.PublishedDateTime,
        };
        if (!string.IsNullOrEmpty(article.Excerpt))
        {
            item.Summary = new TextSyndicationContent(Text(article.Excerpt, format));
        }

        if (Uri.TryCreate(article.WebUrl, UriKind.Absolute, out var link))
        {
            item.Links.Add(SyndicationLink.CreateAlternateLink(link));
        }

        foreach (var category in Categories(article))
        {
            item.Categories.Add(new SyndicationCategory(category));
        }

        if (article.Image is { } image && Uri.TryCreate(image.Url, UriKind.Absolute, out var imageUrl))
        {
            if (format == FeedFormat.Rss)
            {
                // RSS 2.0 requires enclosure@length; the formatter omits a zero length, and the size is unknown (0 by convention).
                item.ElementExtensions.Add(new XElement("enclosure", new XAttribute("url", imageUrl.AbsoluteUri), new XAttribute("length", "0"), new XAttribute("type", ImageMediaType(imageUrl))));
            }
            else
            {
                item.Links.Add(SyndicationLink.CreateMediaEnclosureLink(imageUrl, ImageMediaType(imageUrl), 0));
            }
        }

        if (Author(article) is { } author)
        {
            item.Authors.Add(new SyndicationPerson { Name = author.Name, Uri = author.Url });
        }

        return item;
    }

    private static byte[] WriteJson(FeedDocument document)
    {
        var feed = new JsonFeed(
            "https://jsonfeed.org/version/1.1",
            XmlSafeText.Clean(document.Title),
            document.SiteUrl?.AbsoluteUri,
            document.SelfUrl.AbsoluteUri,
            XmlSafeText.Clean(document.Description),
            document.Items.Select(a => new JsonFeedItem(
                ItemId(a.Id),
                Uri.TryCreate(a.WebUrl, UriKind.Absolute, out var url) ? url.AbsoluteUri : null,
                XmlSafeText.Clean(a.Title),
                a.Excerpt is null ? null : XmlSafeText.Clean(a.Excerpt),
                XmlSafeText.Clean(a.Excerpt ?? a.Title),
                a.Image is { } image && Uri.TryCreate(image.Url, UriKind.Absolute, out var imageUrl) ? imageUrl.AbsoluteUri : null,
                Rfc3339(a.PublishedDateTime),
                Rfc3339(a.UpdatedAt > a.PublishedDateTime ? a.UpdatedAt : a.PublishedDateTime),
                Categories(a).ToList(),
                Author(a) is { } author ? [new JsonFeedAuthor(author.Name, author.Url)] : null)).ToList());
        return JsonSerializer.SerializeToUtf8Bytes(feed, JsonOptions);
    }

    /// <summary>
    /// Text for an XML feed. Atom says its <c>type="text"</c> is plain text; RSS 2.0 readers render <c>title</c> and
    /// <c>description</c> as HTML, so there text is HTML-encoded first (the XML writer then escapes it once more):
    /// an excerpt holding <c>&lt;img onerror=…&gt;</c> reaches readers as those characters, never as markup.
    /// </summary>
    private static string Text(string text, FeedFormat format)
    {
        var clean = XmlSafeText.Clean(text);
        return format == FeedFormat.Rss ? HtmlText.Encode(clean) : clean;
    }

    private static IEnumerable<string> Categories(ArticleSummary article) =>
        new[] { article.Category }.Concat(article.Topics).Select(XmlSafeText.Clean).Where(static c => c.Length > 0).Distinct(StringComparer.Ordinal);

    private static (string Name, string? Url)? Author(ArticleSummary article)
    {
        var name = article.Provider?.Name ?? article.Provider?.Domain;
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var url = article.Provider?.Domain is { Length: > 0 } domain && Uri.TryCreate($"https://{domain}/", UriKind.Absolute, out var site) ? site.AbsoluteUri : null;
        return (XmlSafeText.Clean(name), url);
    }

    private static string ImageMediaType(Uri url) => Path.GetExtension(url.AbsolutePath).ToUpperInvariant() switch
    {
        ".PNG" => "image/png",
        ".GIF" => "image/gif",
        ".WEBP" => "image/webp",
        ".SVG" => "image/svg+xml",
        _ => "image/jpeg",
    };

    private static string Rfc3339(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private sealed record JsonFeed(
        [property: JsonPropertyName("version")] string Version,
        [property: JsonPropertyName("title")] string Title,
        [property: JsonPropertyName("home_page_url")] string? HomePageUrl,
        [property: JsonPropertyName("feed_url")] string FeedUrl,
        [property: JsonPropertyName("description")] string Description,
        [property: JsonPropertyName("items")] IReadOnlyList<JsonFeedItem> Items);

    private sealed record JsonFeedItem(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("url")] string? Url,
        [property: JsonPropertyName("title")] string Title,
        [property: JsonPropertyName("summary")] string? Summary,
        [property: JsonPropertyName("content_text")] string ContentText,
        [property: JsonPropertyName("image")] string? Image,
        [property: JsonPropertyName("date_published")] string DatePublished,
        [property: JsonPropertyName("date_modified")] string DateModified,
        [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags,
        [property: JsonPropertyName("authors")] IReadOnlyList<JsonFeedAuthor>? Authors);

    private sealed record JsonFeedAuthor(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("url")] string? Url);
}
