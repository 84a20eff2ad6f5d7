using ContentPipeline.Articles;
using ContentPipeline.Parsing;
using ContentPipeline.Tests.Parsing;

namespace ContentPipeline.Tests.Articles;

public class ArticleIdTests
{
    private const string Url = "https://eandt.theiet.org/content/articles/2022/11/italy-bans-the-use-of-facial-recognition-technology/";

    private static readonly FrontMatterParser Parser = new(new FrontMatterLimits());

    private static string Id(string url) => ArticleId.FromUrl(new Uri(url));

    [Fact]
    public void FromUrl_SameUrl_GivesSameId()
    {
        Assert.Equal(Id(Url), Id(Url));
    }

    [Fact]
    public void FromUrl_Always20LowercaseHexCharacters()
    {
        foreach (var url in new[] { Url, "http://a.b/", "https://example.com/x?y=1", "https://bücher.de/ä" })
        {
            var id = Id(url);
            Assert.Matches("^[0-9a-f]{20}$", id);
            Assert.Equal(ArticleId.Length, id.Length);
            Assert.True(ArticleId.IsWellFormed(id), id);
        }
    }

    [Theory]
    [InlineData("http://example.com/news/a", "https://example.com/news/a")]
    [InlineData("https://example.com/news/a/", "https://example.com/news/a")]
    [InlineData("https://example.com/news/a#comments", "https://example.com/news/a")]
    [InlineData("https://EXAMPLE.Com/news/a", "https://example.com/news/a")]
    [InlineData("https://example.com:443/news/a", "https://example.com/news/a")]
    [InlineData("http://example.com:80/news/a/#top", "https://example.com/news/a")]
    [InlineData("https://example.com", "https://example.com/")]
    public void FromUrl_EquivalentSpellings_GiveSameId(string a, string b)
    {
        Assert.Equal(Id(b), Id(a));
    }

    [Theory]
    [InlineData("https://example.com/News/A", "https://example.com/news/a")]
    [InlineData("https://example.com/news/a?page=2", "https://example.com/news/a?page=3")]
    [InlineData("https://example.com/news/a?q=X", "https://example.com/news/a?q=x")]
    [InlineData("https://example.com/news/a", "https://example.com/news/b")]
    [InlineData("https://example.com/news/a", "https://example.org/news/a")]
    [InlineData("https://example.com:8443/news/a", "https://example.com/news/a")]
    [InlineData("https://example.com/news/a", "https://example.com/news/a//")]
    public void FromUrl_DifferentUrls_GiveDifferentIds(string a, string b)
    {
        Assert.NotEqual(Id(b), Id(a));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0123456789abcdef012")]
    [InlineData("0123456789abcdef01234")]
    [InlineData("0123456789ABCDEF0123")]
    [InlineData("0123456789abcdef012g")]
    public void IsWellFormed_RejectsAnythingButTwentyLowercaseHex(string? value)
    {
        Assert.False(ArticleId.IsWellFormed(value));
    }

    [Fact]
    public void Parse_OriginalUrlPresent_IdComesFromOriginalUrlNotWebUrlOrFileName()
    {
        var first = Parser.Parse(
            ArticleText.With($"originalUrl: {Url}").Replace("webUrl", "webUrl: https://news.example.com/r/1").Bytes, "a.md");
        var second = Parser.Parse(
            ArticleText.With($"originalUrl: {Url}").Replace("webUrl", "webUrl: https://other.example.net/tracking?id=2").Bytes, "2023/b.md");

        Assert.True(first.Succeeded, string.Join(" | ", first.Problems));
        Assert.True(second.Succeeded, string.Join(" | ", second.Problems));
        Assert.Equal(first.Article.Id, second.Article.Id);
        Assert.Equal(Id(Url), first.Article.Id);
        Assert.NotEqual(Id("https://news.example.com/r/1"), first.Article.Id);
    }

    [Fact]
    public void Parse_NoOriginalUrl_IdComesFromWebUrl()
    {
        var first = ProblemAssert.Succeeded(ArticleText.With().Replace("webUrl", "webUrl: https://example.com/a").Parse());
        var second = ProblemAssert.Succeeded(ArticleText.With().Replace("webUrl", "webUrl: https://example.com/b").Parse());

        Assert.Equal(Id("https://example.com/a"), first.Id);
        Assert.Equal(Id("https://example.com/b"), second.Id);
        Assert.NotEqual(first.Id, second.Id);
    }
}
