using System.ServiceModel.Syndication;
using System.Text;
using System.Text.Json;
using System.Xml;
using ContentPipeline.Articles;
using ContentPipeline.Feeds;
using ContentPipeline.Storage;

namespace ContentPipeline.Tests.Feeds;

public class FeedWriterTests
{
    private static readonly Uri Self = new("https://cdn.example.org/feeds/all.atom.xml");

    public static TheoryData<string> HostileTitles => new()
    {
        "Fish & chips <b>bold</b> \"quoted\" 'single'",
        "CDATA end ]]> inside ]]]]><![CDATA[>",
        "Emoji 😀🚀 and combining é",
        "עברית right-to-left ‏mark العربية",
        "Control \u0001\u0002\u0008\u000B\u000C\u001F characters",
        "Noncharacters \uFFFE\uFFFF and lone surrogates \uD800 x \uDC00",
        "Line\nbreaks\r\nand\ttabs",
        "<![CDATA[ not really ]]>",
    };

    [Theory]
    [MemberData(nameof(HostileTitles))]
    public void EveryFormat_IsWellFormed_WhateverTheText(string hostile)
    {
        var document = Document([Summary("a1", hostile, excerpt: hostile, topics: [hostile, "AI"]), Summary("a2", "Plain", provider: hostile)]);

        var rss = ReadStrict(FeedWriter.Write(document, FeedFormat.Rss));
        var atom = ReadStrict(FeedWriter.Write(document, FeedFormat.Atom));
        using var json = JsonDocument.Parse(FeedWriter.Write(document, FeedFormat.Json));

        var expected = XmlSafeText.Clean(hostile);
        var expectedInXml = expected.Replace("\r\n", "\n", StringComparison.Ordinal); // XML parsers normalise line ends
        // RSS readers render title and description as HTML: the text arrives HTML-encoded, and decodes to what was written.
        Assert.Equal(expectedInXml, System.Net.WebUtility.HtmlDecode(Load(rss, new Rss20FeedFormatter()).Items.First().Title.Text));
        Assert.Equal(expectedInXml, Load(atom, new Atom10FeedFormatter()).Items.First().Title.Text);
        Assert.Equal(expected, json.RootElement.GetProperty("items")[0].GetProperty("title").GetString());
        Assert.DoesNotContain(json.RootElement.GetProperty("items")[0].GetProperty("title").GetString()!, c => c is '\u0001' or '\uFFFE');
    }

    [Fact]
    public void WithAHub_EveryFormatNamesIt_BesideTheSelfLink_AndWithoutOneNone()
    {
        var hub = new Uri("https://hub.example.net/websub");
        var document = Document([Summary("a1", "One")]) with { HubUrl = hub };

        var rss = Load(ReadStrict(FeedWriter.Write(document, FeedFormat.Rss)), new Rss20FeedFormatter());
        var atom = Load(ReadStrict(FeedWriter.Write(document, FeedFormat.Atom)), new Atom10FeedFormatter());
        using var json = JsonDocument.Parse(FeedWriter.Write(document, FeedFormat.Json));

        // What a WebSub subscriber discovers: the hub, and the self link as the topic to subscribe to.
        Assert.Equal(hub, Assert.Single(rss.Links, l => l.RelationshipType == "hub").Uri);
        Assert.Equal(Self, Assert.Single(rss.Links, l => l.RelationshipType == "self").Uri);
        Assert.Equal(hub, Assert.Single(atom.Links, l => l.RelationshipType == "hub").Uri);
        Assert.Equal(Self, Assert.Single(atom.Links, l => l.RelationshipType == "self").Uri);
        var hubs = json.RootElement.GetProperty("hubs");
        Assert.Equal(1, hubs.GetArrayLength());
        Assert.Equal("WebSub", hubs[0].GetProperty("type").GetString());
        Assert.Equal(hub.AbsoluteUri, hubs[0].GetProperty("url").GetString());

        var plain = Document([Summary("a1", "One")]);
        Assert.DoesNotContain(Load(ReadStrict(FeedWriter.Write(plain, FeedFormat.Rss)), new Rss20FeedFormatter()).Links, l => l.RelationshipType == "hub");
        Assert.DoesNotContain(Load(ReadStrict(FeedWriter.Write(plain, FeedFormat.Atom)), new Atom10FeedFormatter()).Links, l => l.RelationshipType == "hub");
        using var plainJson = JsonDocument.Parse(FeedWriter.Write(plain, FeedFormat.Json));
        Assert.False(plainJson.RootElement.TryGetProperty("hubs", out _));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("https://hub.example.net/", true)]
    [InlineData("http://127.0.0.1:8080/hub", true)]
    [InlineData("http://localhost/hub", true)]
    [InlineData("http://hub.example.net/", false)]
    [InlineData("https://user:secret@hub.example.net/", false)]
    [InlineData("ftp://hub.example.net/", false)]
    [InlineData("/relative/hub", false)]
    public void TheHubSetting_MustBeHttps_OrALoopbackHub(string url, bool valid)
    {
        var options = new FeedOptions { HubUrl = url };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        var ok = System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new System.ComponentModel.DataAnnotations.ValidationContext(options), results, validateAllProperties: true);

        Assert.Equal(valid, ok);
    }

    [Fact]
    public void Rss_HtmlInTitleOrExcerpt_ReachesReadersAsText_NeverAsMarkup()
    {
        const string title = "Cats & <b>dogs</b>";
        const string excerpt = "<img src=x onerror=alert(1)> & more";

        var bytes = FeedWriter.Write(Document([Summary("a1", title, excerpt: excerpt)]), FeedFormat.Rss);
        var item = Load(ReadStrict(bytes), new Rss20FeedFormatter()).Items.First();

        // What an RSS reader hands its HTML renderer after parsing the XML: encoded text, no element.
        Assert.Equal("&lt;img src=x onerror=alert(1)&gt; &amp; more", item.Summary.Text);
        Assert.Equal("Cats &amp; &lt;b&gt;dogs&lt;/b&gt;", item.Title.Text);
        Assert.DoesNotContain("<img", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void Atom_HtmlInTitleOrExcerpt_IsPlainTextByType()
    {
        const string excerpt = "<img src=x onerror=alert(1)>";

        var bytes = FeedWriter.Write(Document([Summary("a1", "T", excerpt: excerpt)]), FeedFormat.Atom);
        var xml = new XmlDocument();
        xml.Load(ReadStrict(bytes));
        var ns = new XmlNamespaceManager(xml.NameTable);
        ns.AddNamespace("a", "http://www.w3.org/2005/Atom");
        var summary = (XmlElement)xml.SelectSingleNode("/a:feed/a:entry/a:summary", ns)!;

        Assert.Equal("text", summary.GetAttribute("type"));
        Assert.Equal(excerpt, summary.InnerText); // RFC 4287: type="text" is never rendered as markup
    }

    [Fact]
    public void JsonFeed_EscapesAngleBracketsAndAmpersands_SoItIsSafeToEmbed()
    {
        var bytes = FeedWriter.Write(Document([Summary("a1", "Cats & <b>dogs</b>", excerpt: "<script>alert(1)</script>")]), FeedFormat.Json);
        var text = Encoding.UTF8.GetString(bytes);
        using var json = JsonDocument.Parse(bytes);

        Assert.DoesNotContain('<', text);
        Assert.DoesNotContain('>', text);
        Assert.DoesNotContain("& ", text, StringComparison.Ordinal);
        Assert.Contains("\\u003Cscript\\u003E", text, StringComparison.Ordinal);
        Assert.Equal("<script>alert(1)</script>", json.RootElement.GetProperty("items")[0].GetProperty("summary").GetString());
    }

    [Fact]
    public void Rss_CarriesItemsWithLinkGuidDatesSummaryCategoriesEnclosureSourceAndSelfLink()
    {
        var bytes = FeedWriter.Write(Document([Summary("a1", "First"), Summary("a2", "Second")]), FeedFormat.Rss);
        var xml = Encoding.UTF8.GetString(bytes);
        var feed = Load(ReadStrict(bytes), new Rss20FeedFormatter());

        Assert.Equal("Feed title", feed.Title.Text);
        Assert.Equal("Feed description", feed.Description.Text);
        Assert.Contains(feed.Links, l => l.RelationshipType == "self" && l.Uri == Self);
        var item = feed.Items.First();
        Assert.Equal(FeedWriter.ItemId("a1"), item.Id);
        Assert.Equal("https://example.org/a1", item.Links.Single(l => l.RelationshipType == "alternate").Uri.AbsoluteUri);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero), item.PublishDate);
        Assert.Equal("Excerpt of a1", item.Summary.Text);
        Assert.Equal(["news", "AI", "Computer Vision"], item.Categories.Select(c => c.Name));
        var enclosure = item.Links.Single(l => l.RelationshipType == "enclosure");
        Assert.Equal("https://example.org/a1.jpg", enclosure.Uri.AbsoluteUri);
        Assert.Equal("image/jpeg", enclosure.MediaType);
        Assert.Contains("<enclosure url=\"https://example.org/a1.jpg\" length=\"0\" type=\"image/jpeg\" />", xml, StringComparison.Ordinal);
        Assert.Contains("<guid isPermaLink=\"false\">tag:contentpipeline,2026:article/a1</guid>", xml, StringComparison.Ordinal);
        Assert.Contains("Example News", xml, StringComparison.Ordinal);
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", xml, StringComparison.Ordinal);
        Assert.NotEqual(0xEF, bytes[0]); // no byte order mark
    }

    [Fact]
    public void Atom_HasOneIdTitleUpdatedPerFeedAndEntry_AndAnAuthor()
    {
        var bytes = FeedWriter.Write(Document([Summary("a1", "First", updated: new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero)), Summary("a2", "Second")]), FeedFormat.Atom);
        var xml = new XmlDocument();
        xml.Load(ReadStrict(bytes));
        var ns = new XmlNamespaceManager(xml.NameTable);
        ns.AddNamespace("a", "http://www.w3.org/2005/Atom");

        var feed = xml.SelectSingleNode("/a:feed", ns)!;
        Assert.Single(feed.SelectNodes("a:id", ns)!.Cast<XmlNode>());
        Assert.Single(feed.SelectNodes("a:title", ns)!.Cast<XmlNode>());
        Assert.Equal("2024-06-01T00:00:00Z", feed.SelectSingleNode("a:updated", ns)!.InnerText);
        Assert.Equal(Self.AbsoluteUri, feed.SelectSingleNode("a:link[@rel='self']/@href", ns)!.Value);
        foreach (XmlNode entry in feed.SelectNodes("a:entry", ns)!)
        {
            Assert.Single(entry.SelectNodes("a:id", ns)!.Cast<XmlNode>());
            Assert.Single(entry.SelectNodes("a:title", ns)!.Cast<XmlNode>());
            Assert.Single(entry.SelectNodes("a:updated", ns)!.Cast<XmlNode>());
            Assert.Equal("Example News", entry.SelectSingleNode("a:author/a:name", ns)!.InnerText);
        }

        Assert.Equal(2, Load(ReadStrict(bytes), new Atom10FeedFormatter()).Items.Count());
    }

    [Fact]
    public void Atom_ItemWithoutProvider_StillHasAnAuthor_FromTheFeed()
    {
        var item = Summary("a1", "No provider") with { Provider = null };
        var xml = new XmlDocument();
        xml.Load(ReadStrict(FeedWriter.Write(Document([item]), FeedFormat.Atom)));
        var ns = new XmlNamespaceManager(xml.NameTable);
        ns.AddNamespace("a", "http://www.w3.org/2005/Atom");

        Assert.Null(xml.SelectSingleNode("/a:feed/a:entry/a:author", ns));
        Assert.Equal("Feed title", xml.SelectSingleNode("/a:feed/a:author/a:name", ns)!.InnerText);
    }

    [Fact]
    public void JsonFeed_HasTheSpecsRequiredMembersAndTypes()
    {
        using var json = JsonDocument.Parse(FeedWriter.Write(Document([Summary("a1", "First"), Summary("a2", "Second", excerpt: null)]), FeedFormat.Json));
        var root = json.RootElement;

        Assert.Equal("https://jsonfeed.org/version/1.1", root.GetProperty("version").GetString());
        Assert.Equal(JsonValueKind.String, root.GetProperty("title").ValueKind);
        Assert.Equal(Self.AbsoluteUri, root.GetProperty("feed_url").GetString());
        var items = root.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.All(items, i =>
        {
            Assert.Equal(JsonValueKind.String, i.GetProperty("id").ValueKind);
            Assert.True(i.TryGetProperty("content_text", out var text) && text.ValueKind == JsonValueKind.String);
            Assert.True(DateTimeOffset.TryParse(i.GetProperty("date_published").GetString(), out _));
            Assert.Equal(JsonValueKind.Array, i.GetProperty("tags").ValueKind);
        });
        Assert.Equal("https://example.org/a1.jpg", items[0].GetProperty("image").GetString());
        Assert.Equal("Example News", items[0].GetProperty("authors")[0].GetProperty("name").GetString());
        Assert.Equal("Second", items[1].GetProperty("content_text").GetString()); // no excerpt: the title is the text
    }

    [Theory]
    [InlineData(FeedFormat.Rss)]
    [InlineData(FeedFormat.Atom)]
    [InlineData(FeedFormat.Json)]
    public void SameData_GivesByteIdenticalFeeds(FeedFormat format)
    {
        var first = FeedWriter.Write(Document([Summary("a1", "First"), Summary("a2", "Second")]), format);
        var second = FeedWriter.Write(Document([Summary("a1", "First"), Summary("a2", "Second")]), format);

        Assert.Equal(first, second);
    }

    [Fact]
    public void XmlSafeTextClean_RemovesOnlyWhatXmlForbids()
    {
        Assert.Equal("ab😀c\t\n\r", XmlSafeText.Clean("a\u0000b😀\uD800c\t\n\r\uFFFF\u001B"));
        var clean = "nothing to do <&>";
        Assert.Same(clean, XmlSafeText.Clean(clean));
    }

    private static FeedDocument Document(IReadOnlyList<ArticleSummary> items) =>
        new(FeedDefinition.All, "Feed title", "Feed description", Self, new Uri("https://example.org/"), items);

    private static ArticleSummary Summary(string id, string title, string? excerpt = "", string provider = "Example News", IReadOnlyList<string>? topics = null, DateTimeOffset? updated = null) => new()
    {
        Id = id,
        Title = title,
        Excerpt = excerpt == string.Empty ? $"Excerpt of {id}" : excerpt,
        PublishedDateTime = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero),
        Category = "news",
        Topics = topics ?? ["AI", "Computer Vision"],
        Provider = new ArticleProvider { Name = provider, Domain = "example.org" },
        WebUrl = $"https://example.org/{id}",
        Image = new ArticleImage { Url = $"https://example.org/{id}.jpg", Width = 10, Height = 10 },
        Published = true,
        UpdatedAt = updated ?? new DateTimeOffset(2024, 5, 2, 0, 0, 0, TimeSpan.Zero),
    };

    /// <summary>A strict reader: fails on any character or structure XML 1.0 forbids, and on DTDs.</summary>
    private static XmlReader ReadStrict(byte[] bytes) =>
        XmlReader.Create(new MemoryStream(bytes), new XmlReaderSettings { CheckCharacters = true, DtdProcessing = DtdProcessing.Prohibit, ConformanceLevel = ConformanceLevel.Document });

    private static SyndicationFeed Load(XmlReader reader, SyndicationFeedFormatter formatter)
    {
        formatter.ReadFrom(reader);
        return formatter.Feed;
    }
}
