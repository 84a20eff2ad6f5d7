using System.Text;
using System.Xml;

namespace ContentPipeline.Feeds;

/// <summary>
/// Writes a feed in one of its three formats: RSS 2.0 and Atom 1.0 with an <see cref="XmlWriter"/> (which escapes every
/// text and refuses characters XML 1.0 forbids, after <see cref="XmlSafeText.Clean"/> removed them), JSON Feed 1.1 with
/// System.Text.Json. Output is deterministic (no clock, fixed formatting) and UTF-8 without BOM, so the same items give
/// the same bytes; hostile titles still make well-formed feeds.
/// </summary>
public static class FeedWriter
{
    private static readonly XmlWriterSettings XmlSettings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = true,
        NewLineChars = "\n",
        CheckCharacters = true,
    };

    /// <summary>The stable id of an article in every feed (a tag URI, RFC 4151).</summary>
    public static string ItemId(string articleId) => $"{FeedText.TagAuthority}article/{articleId}";

    /// <summary>Writes the feed in one format.</summary>
    public static byte[] Write(FeedDocument document, FeedFormat format)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (format == FeedFormat.Json)
        {
            return JsonFeedWriter.Write(document);
        }

        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, XmlSettings))
        {
            writer.WriteStartDocument();
            if (format == FeedFormat.Rss)
            {
                RssFeedWriter.Write(writer, document);
            }
            else
            {
                AtomFeedWriter.Write(writer, document);
            }
        }

        return stream.ToArray();
    }
}
