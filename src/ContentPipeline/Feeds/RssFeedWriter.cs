using System.Xml;

namespace ContentPipeline.Feeds;

/// <summary>
/// RSS 2.0, with the Atom namespace for what RSS lacks (the self link, entry authors and update times) and the content
/// module's <c>content:encoded</c> for the full body as HTML. RSS readers
/// render <c>title</c> and <c>description</c> as HTML, so their text is HTML-encoded first (the XML writer then
/// escapes it once more): an excerpt holding <c>&lt;img onerror=…&gt;</c> reaches readers as those characters.
/// </summary>
internal static class RssFeedWriter
{
    private const string Atom = "http://www.w3.org/2005/Atom";
    private const string AtomPrefix = "atom";
    private const string Content = "http://purl.org/rss/1.0/modules/content/";
    private const string ContentPrefix = "content";

    public static void Write(XmlWriter writer, FeedDocument document)
    {
        writer.WriteStartElement("rss");
        writer.WriteAttributeString("version", "2.0");
        writer.WriteAttributeString("xmlns", AtomPrefix, null, Atom);
        writer.WriteAttributeString("xmlns", ContentPrefix, null, Content);
        writer.WriteStartElement("channel");
        writer.WriteElementString("title", Html(document.Title));
        writer.WriteElementString("link", (document.SiteUrl ?? document.SelfUrl).AbsoluteUri);
        writer.WriteElementString("description", Html(document.Description));
        writer.WriteElementString("lastBuildDate", FeedText.Rfc822(document.Updated));
        writer.WriteElementString("generator", FeedText.Generator);
        writer.WriteStartElement(AtomPrefix, "link", Atom);
        writer.WriteAttributeString("rel", "self");
        writer.WriteAttributeString("type", "application/rss+xml");
        writer.WriteAttributeString("href", document.SelfUrl.AbsoluteUri);
        writer.WriteEndElement();
        if (document.HubUrl is { } hub)
        {
            // WebSub discovery: the hub beside the self link (the topic a subscriber names).
            writer.WriteStartElement(AtomPrefix, "link", Atom);
            writer.WriteAttributeString("rel", "hub");
            writer.WriteAttributeString("href", hub.AbsoluteUri);
            writer.WriteEndElement();
        }

        foreach (var article in document.Items)
        {
            writer.WriteStartElement("item");
            writer.WriteElementString("title", Html(article.Title));
            if (FeedText.Link(article) is { } link)
            {
                writer.WriteElementString("link", link);
            }

            if (!string.IsNullOrEmpty(article.Excerpt))
            {
                writer.WriteElementString("description", Html(article.Excerpt));
            }

            if (article.ContentHtml is { } html)
            {
                // The full body as HTML (sanitised when it was rendered), escaped once by the writer as RSS expects.
                writer.WriteElementString(ContentPrefix, "encoded", Content, XmlSafeText.Clean(html));
            }

            writer.WriteStartElement("guid");
            writer.WriteAttributeString("isPermaLink", "false");
            writer.WriteString(FeedWriter.ItemId(article.Id));
            writer.WriteEndElement();
            writer.WriteElementString("pubDate", FeedText.Rfc822(article.PublishedDateTime));
            foreach (var category in FeedText.Categories(article))
            {
                writer.WriteElementString("category", category);
            }

            if (FeedText.Image(article) is var (url, mediaType))
            {
                // RSS 2.0 requires enclosure@length; the size is unknown (0 by convention).
                writer.WriteStartElement("enclosure");
                writer.WriteAttributeString("url", url);
                writer.WriteAttributeString("length", "0");
                writer.WriteAttributeString("type", mediaType);
                writer.WriteEndElement();
            }

            if (FeedText.Author(article) is var (name, site))
            {
                writer.WriteStartElement(AtomPrefix, "author", Atom);
                writer.WriteElementString(AtomPrefix, "name", Atom, name);
                if (site is not null)
                {
                    writer.WriteElementString(AtomPrefix, "uri", Atom, site);
                }

                writer.WriteEndElement();
            }

            writer.WriteElementString(AtomPrefix, "updated", Atom, FeedText.Rfc3339(FeedText.Updated(article)));
            writer.WriteEndElement();
        }

        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    private static string Html(string text) => HtmlText.Encode(XmlSafeText.Clean(text));
}
