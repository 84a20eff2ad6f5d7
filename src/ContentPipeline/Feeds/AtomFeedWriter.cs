using System.Xml;

namespace ContentPipeline.Feeds;

/// <summary>
/// Atom 1.0 (RFC 4287). Titles and summaries are <c>type="text"</c>: plain text, escaped by the XML writer; the full
/// body is <c>content type="html"</c> (sanitised when it was rendered).
/// </summary>
internal static class AtomFeedWriter
{
    private const string Atom = "http://www.w3.org/2005/Atom";

    public static void Write(XmlWriter writer, FeedDocument document)
    {
        writer.WriteStartElement("feed", Atom);
        Text(writer, "title", document.Title);
        Text(writer, "subtitle", document.Description);
        writer.WriteElementString("id", Atom, FeedText.FeedId(document));
        writer.WriteElementString("updated", Atom, FeedText.Rfc3339(document.Updated));

        // RFC 4287 needs an author on the feed or on every entry; entries without a provider inherit this one.
        Person(writer, XmlSafeText.Clean(document.Title), document.SiteUrl?.AbsoluteUri);
        writer.WriteElementString("generator", Atom, FeedText.Generator);
        Link(writer, "alternate", null, (document.SiteUrl ?? document.SelfUrl).AbsoluteUri);
        Link(writer, "self", "application/atom+xml", document.SelfUrl.AbsoluteUri);
        if (document.HubUrl is { } hub)
        {
            Link(writer, "hub", null, hub.AbsoluteUri); // WebSub discovery
        }

        foreach (var article in document.Items)
        {
            writer.WriteStartElement("entry", Atom);
            writer.WriteElementString("id", Atom, FeedWriter.ItemId(article.Id));
            Text(writer, "title", article.Title);
            if (!string.IsNullOrEmpty(article.Excerpt))
            {
                Text(writer, "summary", article.Excerpt);
            }

            if (article.ContentHtml is { } html)
            {
                writer.WriteStartElement("content", Atom);
                writer.WriteAttributeString("type", "html");
                writer.WriteString(XmlSafeText.Clean(html));
                writer.WriteEndElement();
            }

            writer.WriteElementString("published", Atom, FeedText.Rfc3339(article.PublishedDateTime));
            writer.WriteElementString("updated", Atom, FeedText.Rfc3339(FeedText.Updated(article)));
            if (FeedText.Author(article) is var (name, site))
            {
                Person(writer, name, site);
            }

            if (FeedText.Link(article) is { } link)
            {
                Link(writer, "alternate", null, link);
            }

            if (FeedText.Image(article) is var (url, mediaType))
            {
                Link(writer, "enclosure", mediaType, url);
            }

            foreach (var category in FeedText.Categories(article))
            {
                writer.WriteStartElement("category", Atom);
                writer.WriteAttributeString("term", category);
                writer.WriteEndElement();
            }

            writer.WriteEndElement();
        }

        writer.WriteEndElement();
    }

    private static void Text(XmlWriter writer, string element, string text)
    {
        writer.WriteStartElement(element, Atom);
        writer.WriteAttributeString("type", "text");
        writer.WriteString(XmlSafeText.Clean(text));
        writer.WriteEndElement();
    }

    private static void Person(XmlWriter writer, string name, string? uri)
    {
        writer.WriteStartElement("author", Atom);
        writer.WriteElementString("name", Atom, name);
        if (uri is not null)
        {
            writer.WriteElementString("uri", Atom, uri);
        }

        writer.WriteEndElement();
    }

    private static void Link(XmlWriter writer, string rel, string? type, string href)
    {
        writer.WriteStartElement("link", Atom);
        writer.WriteAttributeString("rel", rel);
        if (type is not null)
        {
            writer.WriteAttributeString("type", type);
        }

        writer.WriteAttributeString("href", href);
        writer.WriteEndElement();
    }
}
