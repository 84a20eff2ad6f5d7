using System.Text;
using System.Xml;
using ContentPipeline.Feeds;

namespace ContentPipeline.Sitemaps;

/// <summary>
/// Writes the sitemap protocol's files (a URL set, a sitemap index) and Google's news sitemap, with an
/// <see cref="XmlWriter"/>: every text escaped, characters XML 1.0 forbids removed first, UTF-8 without BOM, no clock,
/// so the same input gives the same bytes (files are rewritten only when they change).
/// </summary>
public static class SitemapWriter
{
    /// <summary>The sitemap protocol's namespace.</summary>
    public const string Namespace = "http://www.sitemaps.org/schemas/sitemap/0.9";

    /// <summary>Google's news sitemap extension.</summary>
    public const string NewsNamespace = "http://www.google.com/schemas/sitemap-news/0.9";

    /// <summary>The protocol's limit on a file's size, uncompressed (50 MB).</summary>
    public const int MaxFileBytes = 50 * 1024 * 1024;

    /// <summary>The protocol's bounds on a URL's length (the XSD's <c>tLoc</c>).</summary>
    public const int MinUrlLength = 12;

    /// <inheritdoc cref="MinUrlLength"/>
    public const int MaxUrlLength = 2048;

    private const string NewsPrefix = "news";

    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = true,
        NewLineChars = "\n",
        CheckCharacters = true,
    };

    /// <summary>Whether the protocol lets a sitemap list <paramref name="url"/> (its escaped form's length).</summary>
    public static bool IsListable(Uri url) => url is { IsAbsoluteUri: true, AbsoluteUri.Length: >= MinUrlLength and <= MaxUrlLength };

    /// <summary>Room for an entry's markup around its URL (elements, indentation, <c>lastmod</c>), more than it takes.</summary>
    private const int EntryMarkupBytes = 96;

    /// <summary>Bytes a URL's entry takes at most in a URL set (markup and escaping included): what splitting counts.</summary>
    public static int EntryBytes(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var text = url.AbsoluteUri;
        return Encoding.UTF8.GetByteCount(text) + ("&amp;".Length - 1) * text.AsSpan().Count('&') + EntryMarkupBytes;
    }

    /// <summary>A URL set (<c>urlset</c>): each URL with its <c>lastmod</c>.</summary>
    public static byte[] WriteUrlSet(IEnumerable<SitemapUrl> urls) => WriteLocations("urlset", "url", urls);

    /// <summary>A sitemap index (<c>sitemapindex</c>): each sitemap file with when its newest entry changed.</summary>
    public static byte[] WriteIndex(IEnumerable<SitemapUrl> sitemaps) => WriteLocations("sitemapindex", "sitemap", sitemaps);

    private static byte[] WriteLocations(string root, string element, IEnumerable<SitemapUrl> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return Write(writer =>
        {
            writer.WriteStartElement(root, Namespace);
            foreach (var entry in entries)
            {
                writer.WriteStartElement(element, Namespace);
                writer.WriteElementString("loc", Namespace, entry.Location.AbsoluteUri);
                writer.WriteElementString("lastmod", Namespace, FeedText.Rfc3339(entry.LastModified));
                writer.WriteEndElement();
            }

            writer.WriteEndElement();
        });
    }

    /// <summary>A news sitemap: each article with the publication's name and language, its publication date and title.</summary>
    public static byte[] WriteNews(IEnumerable<NewsSitemapItem> items, string publicationName, string language)
    {
        ArgumentNullException.ThrowIfNull(items);
        var name = XmlSafeText.Clean(publicationName);
        return Write(writer =>
        {
            writer.WriteStartElement("urlset", Namespace);
            writer.WriteAttributeString("xmlns", NewsPrefix, null, NewsNamespace);
            foreach (var item in items)
            {
                writer.WriteStartElement("url", Namespace);
                writer.WriteElementString("loc", Namespace, item.Location.AbsoluteUri);
                writer.WriteStartElement(NewsPrefix, "news", NewsNamespace);
                writer.WriteStartElement(NewsPrefix, "publication", NewsNamespace);
                writer.WriteElementString(NewsPrefix, "name", NewsNamespace, name);
                writer.WriteElementString(NewsPrefix, "language", NewsNamespace, language);
                writer.WriteEndElement();
                writer.WriteElementString(NewsPrefix, "publication_date", NewsNamespace, FeedText.Rfc3339(item.PublicationDate));
                writer.WriteElementString(NewsPrefix, "title", NewsNamespace, XmlSafeText.Clean(item.Title));
                writer.WriteEndElement();
                writer.WriteEndElement();
            }

            writer.WriteEndElement();
        });
    }

    private static byte[] Write(Action<XmlWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, Settings))
        {
            writer.WriteStartDocument();
            body(writer);
        }

        return stream.ToArray();
    }
}
