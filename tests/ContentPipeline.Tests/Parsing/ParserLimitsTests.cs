using ContentPipeline.Parsing;

namespace ContentPipeline.Tests.Parsing;

/// <summary>
/// One upload may not cost much more than a normal article: every list that multiplies index entries, feeds or stored
/// bytes is capped, and every text copied into index entries is bounded. Above a limit the file is rejected, with where
/// and why.
/// </summary>
public sealed class ParserLimitsTests
{
    private static readonly FrontMatterLimits Small = new() { MaxTopics = 3, MaxImages = 2, MaxRelated = 2, MaxTitleLength = 40, MaxExcerptLength = 30, MaxNameLength = 10, MaxUrlLength = 100 };

    [Fact]
    public void Parse_MoreTopicsThanTheLimit_IsRejectedAtTheList()
    {
        var result = ArticleText.With("topics: [a, b, c, d]").Parse(Small);

        ProblemAssert.Single(result, ProblemCodes.TooManyItems, ArticleText.FirstAddedLine, 9, "'topics' has 4 items; the limit is 3");
    }

    [Fact]
    public void Parse_TopicsAtTheLimit_AreKept()
    {
        var article = ProblemAssert.Succeeded(ArticleText.With("topics: [a, b, c]").Parse(Small));

        Assert.Equal(["a", "b", "c"], article.Topics);
    }

    [Fact]
    public void Parse_TwoHundredTopicsUnderTheDefaults_IsRejected()
    {
        var topics = string.Join(", ", Enumerable.Range(1, 200).Select(i => $"topic {i}"));

        var result = ArticleText.With($"topics: [{topics}]").Parse();

        ProblemAssert.Single(result, ProblemCodes.TooManyItems, ArticleText.FirstAddedLine, 9, "'topics' has 200 items; the limit is 20");
    }

    [Fact]
    public void Parse_MoreImagesThanTheLimit_IsRejected()
    {
        var result = ArticleText.With("images:", "  - url: https://i.example/1.jpg", "  - url: https://i.example/2.jpg", "  - url: https://i.example/3.jpg").Parse(Small);

        ProblemAssert.Single(result, ProblemCodes.TooManyItems, ArticleText.FirstAddedLine + 1, 3, "'images' has 3 items; the limit is 2");
    }

    [Fact]
    public void Parse_MoreRelatedItemsThanTheLimit_IsRejected()
    {
        var item = "  - { title: T, webUrl: 'https://r.example/x' }";

        var result = ArticleText.With("related:", item, item, item).Parse(Small);

        ProblemAssert.Single(result, ProblemCodes.TooManyItems, ArticleText.FirstAddedLine + 1, 3, "'related' has 3 items; the limit is 2");
    }

    [Fact]
    public void Parse_ARelatedItemWithTooManyImages_IsRejected()
    {
        var result = ArticleText.With(
            "related:",
            "  - title: T",
            "    webUrl: https://r.example/x",
            "    images: [{ url: 'https://i.example/1.jpg' }, { url: 'https://i.example/2.jpg' }, { url: 'https://i.example/3.jpg' }]").Parse(Small);

        ProblemAssert.Single(result, ProblemCodes.TooManyItems, ArticleText.FirstAddedLine + 3, 13, "'related[0].images' has 3 items; the limit is 2");
    }

    [Theory]
    [InlineData("title", "title: A title that is far too long for the limit", 3, 8, "'title' is 42 characters long; the limit is 40")]
    [InlineData("category", "category: categorical", 2, 11, "'category' is 11 characters long; the limit is 10")]
    public void Parse_RequiredTextOverItsLimit_IsRejected(string key, string line, int lineNumber, int column, string message)
    {
        var result = new ArticleText().Replace(key, line).Parse(Small);

        ProblemAssert.Single(result, ProblemCodes.TooLong, lineNumber, column, message);
    }

    [Theory]
    [InlineData("excerpt: an excerpt that runs on and on and on", 10, "'excerpt' is 37 characters long; the limit is 30")]
    [InlineData("type: a-long-type-name", 7, "'type' is 16 characters long; the limit is 10")]
    [InlineData("topics: [short, a much too long topic]", 17, "'topics[1]' is 21 characters long; the limit is 10")]
    [InlineData("provider: { name: A very long provider name }", 19, "'provider.name' is 25 characters long; the limit is 10")]
    public void Parse_OptionalTextOverItsLimit_IsRejected(string line, int column, string message)
    {
        var result = ArticleText.With(line).Parse(Small);

        ProblemAssert.Single(result, ProblemCodes.TooLong, ArticleText.FirstAddedLine, column, message);
    }

    [Fact]
    public void Parse_UrlOverItsLimit_IsRejected()
    {
        var url = "https://example.com/" + new string('a', 100);

        var result = new ArticleText().Replace("webUrl", $"webUrl: {url}").Parse(Small);

        ProblemAssert.Single(result, ProblemCodes.TooLong, 5, 9, "'webUrl' is 120 characters long; the limit is 100");
    }

    [Theory]
    [InlineData("https://theiet.org")]
    [InlineData("theiet.org/path")]
    [InlineData("the iet.org")]
    [InlineData("a..b")]
    [InlineData("-leading.example")]
    [InlineData("127.0.0.1")]
    [InlineData("<img src=x onerror=alert(1)>")]
    public void Parse_ProviderDomainThatIsNotAHostName_IsRejected(string domain)
    {
        var result = ArticleText.With($"provider: {{ name: IET, domain: '{domain}' }}").Parse();

        ProblemAssert.Single(result, ProblemCodes.InvalidHost, ArticleText.FirstAddedLine, 32, "'provider.domain' must be a host name");
    }

    [Theory]
    [InlineData("theiet.org")]
    [InlineData("news.example.co.uk")]
    [InlineData("bücher.de")]
    [InlineData("xn--bcher-kva.de")]
    public void Parse_ProviderDomainThatIsAHostName_IsKept(string domain)
    {
        var article = ProblemAssert.Succeeded(ArticleText.With($"provider: {{ name: IET, domain: '{domain}' }}").Parse());

        Assert.Equal(domain, article.Provider?.Domain);
    }

    [Fact]
    public void Parse_RelatedProviderDomainIsCheckedToo()
    {
        var result = ArticleText.With("related:", "  - title: T", "    webUrl: https://r.example/x", "    provider: { domain: 'not a host' }").Parse();

        ProblemAssert.Single(result, ProblemCodes.InvalidHost, ArticleText.FirstAddedLine + 3, 25, "'related[0].provider.domain' must be a host name");
    }
}
