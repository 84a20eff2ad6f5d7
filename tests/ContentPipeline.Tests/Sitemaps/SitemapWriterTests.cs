using System.ComponentModel.DataAnnotations;
using System.Xml.Linq;
using System.Xml.Schema;
using ContentPipeline.Sitemaps;
using ContentPipeline.Testing;

namespace ContentPipeline.Tests.Sitemaps;

/// <summary>The sitemap files as a validator and a crawler read them: valid against the protocol's XSDs, every text escaped.</summary>
public sealed class SitemapWriterTests
{
    private static readonly XNamespace Sm = SitemapWriter.Namespace;
    private static readonly XNamespace News = SitemapWriter.NewsNamespace;
    private static readonly DateTimeOffset When = new(2026, 11, 26, 8, 30, 15, TimeSpan.Zero);

    [Fact]
    public void AUrlSet_IsValid_AndCarriesEachUrlWithItsLastmod_Escaped()
    {
        var content = BinaryData.FromBytes(SitemapWriter.WriteUrlSet(
        [
            new SitemapUrl(new Uri("https://example.org/a?x=1&y=2"), When),
            new SitemapUrl(new Uri("https://example.org/ünïcode path/'quote'"), When.AddHours(-3)),
        ]));

        SitemapSchemas.ValidateUrlSet(content);
        var urls = XDocument.Parse(content.ToString()).Root!.Elements(Sm + "url").ToList();
        Assert.Equal(["https://example.org/a?x=1&y=2", "https://example.org/%C3%BCn%C3%AFcode%20path/'quote'"], urls.Select(u => u.Element(Sm + "loc")!.Value));
        Assert.Equal(["2026-11-26T08:30:15Z", "2026-11-26T05:30:15Z"], urls.Select(u => u.Element(Sm + "lastmod")!.Value));
        Assert.Contains("a?x=1&amp;y=2", content.ToString(), StringComparison.Ordinal); // entity-escaped, as the protocol requires
    }

    [Fact]
    public void ASitemapIndex_IsValid_AndNamesEachFile()
    {
        var content = BinaryData.FromBytes(SitemapWriter.WriteIndex(
            [new SitemapUrl(new Uri("https://cdn.example.org/feeds/sitemaps/sitemap-1.xml"), When), new SitemapUrl(new Uri("https://cdn.example.org/feeds/sitemaps/sitemap-2.xml"), When)]));

        SitemapSchemas.ValidateIndex(content);
        var root = XDocument.Parse(content.ToString()).Root!;
        Assert.Equal(Sm + "sitemapindex", root.Name);
        Assert.Equal(2, root.Elements(Sm + "sitemap").Count());
    }

    [Fact]
    public void ANewsSitemap_IsValid_AgainstTheProtocolAndTheNewsSchema_WithHostileTitlesKeptAsText()
    {
        const string title = "Markets <b>rally</b> & \"bonds\" ]]> \u0001fall";
        var content = BinaryData.FromBytes(SitemapWriter.WriteNews([new NewsSitemapItem(new Uri("https://example.org/story"), title, When)], "The <Daily> & Co", "en"));

        SitemapSchemas.ValidateUrlSet(content);
        var news = XDocument.Parse(content.ToString()).Root!.Element(Sm + "url")!.Element(News + "news")!;
        Assert.Equal("The <Daily> & Co", news.Element(News + "publication")!.Element(News + "name")!.Value);
        Assert.Equal("en", news.Element(News + "publication")!.Element(News + "language")!.Value);
        Assert.Equal("2026-11-26T08:30:15Z", news.Element(News + "publication_date")!.Value);
        Assert.Equal("Markets <b>rally</b> & \"bonds\" ]]> fall", news.Element(News + "title")!.Value); // the control character removed
    }

    [Fact]
    public void TheValidator_RejectsWhatTheProtocolForbids()
    {
        // The schemas really constrain: an empty URL set, a relative location, a news entry without its title all fail.
        Assert.Throws<XmlSchemaValidationException>(() => SitemapSchemas.ValidateUrlSet(BinaryData.FromBytes(SitemapWriter.WriteUrlSet([]))));
        Assert.Throws<XmlSchemaValidationException>(() => SitemapSchemas.ValidateUrlSet(BinaryData.FromString(
            $"<urlset xmlns=\"{SitemapWriter.Namespace}\"><url><loc>x</loc></url></urlset>")));
        Assert.Throws<XmlSchemaValidationException>(() => SitemapSchemas.ValidateUrlSet(BinaryData.FromString(
            $"<urlset xmlns=\"{SitemapWriter.Namespace}\" xmlns:news=\"{SitemapWriter.NewsNamespace}\"><url><loc>https://example.org/a</loc><news:news><news:publication><news:name>n</news:name><news:language>en</news:language></news:publication><news:publication_date>2026-11-26</news:publication_date></news:news></url></urlset>")));
    }

    [Theory]
    [InlineData("https://example.org/a", true)]
    [InlineData("http://a.b/", false)] // 11 characters: under the protocol's 12
    [InlineData("http://a.b/c", true)] // 12
    public void OnlyUrlsOfTheProtocolsLength_AreListable(string url, bool listable) =>
        Assert.Equal(listable, SitemapWriter.IsListable(new Uri(url)));

    [Fact]
    public void ALongUrl_IsNotListable() =>
        Assert.False(SitemapWriter.IsListable(new Uri("https://example.org/" + new string('a', 2048))));

    [Theory]
    [InlineData(null, "en", true)]
    [InlineData("https://news.example.org/articles/{id}", "fr", true)]
    [InlineData("https://news.example.org/articles/", "en", false)] // no {id}
    [InlineData("/articles/{id}", "en", false)] // relative
    [InlineData("ftp://news.example.org/{id}", "en", false)]
    [InlineData(null, "zh-tw", true)]
    [InlineData(null, "EN", false)]
    [InlineData(null, "english", false)]
    public void Options_AreValidatedAtStartUp(string? template, string language, bool valid)
    {
        var options = new SitemapOptions { ArticleUrlTemplate = template, PublicationLanguage = language };
        var results = new List<ValidationResult>();
        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
    }

    [Fact]
    public void TheArticleUrl_IsTheTemplateWithTheId_OrElseTheWebUrl()
    {
        Assert.Equal("https://news.example.org/articles/0123456789abcdef0123", new SitemapOptions { ArticleUrlTemplate = "https://news.example.org/articles/{id}" }.ArticleUrl("0123456789abcdef0123", "https://elsewhere.example/")!.AbsoluteUri);
        Assert.Equal("https://source.example/story", new SitemapOptions().ArticleUrl("0123456789abcdef0123", "https://source.example/story")!.AbsoluteUri);
        Assert.Null(new SitemapOptions().ArticleUrl("0123456789abcdef0123", "javascript:alert(1)"));
    }
}
