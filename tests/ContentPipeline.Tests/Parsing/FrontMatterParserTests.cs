using System.Text.Json;
using ContentPipeline.Parsing;

namespace ContentPipeline.Tests.Parsing;

/// <summary>Files the parser must accept, and what it reads from them.</summary>
public class FrontMatterParserTests
{
    private static readonly DateTimeOffset SeedTime = new(2022, 11, 15, 17, 36, 0, TimeSpan.Zero);

    [Fact]
    public void Parse_MinimalArticle_ReadsRequiredFieldsAndLeavesOptionalOnesEmpty()
    {
        var article = ProblemAssert.Succeeded(ArticleText.With().Parse());

        Assert.Equal("news", article.Category);
        Assert.Equal(ArticleText.Title, article.Title);
        Assert.Equal(SeedTime, article.PublishedDateTime);
        Assert.Equal(ArticleText.WebUrl, article.WebUrl);
        AssertOptionalFieldsAbsent(article);
        Assert.Null(article.Body);
    }

    [Fact]
    public void Parse_OptionalFieldsSetToNullOrEmpty_AreNullOrEmptyLists()
    {
        var article = ProblemAssert.Succeeded(ArticleText.With(
            "excerpt: ~", "originalUrl: null", "type:", "quality: ~", "heat: null", "published:",
            "provider:", "topics:", "images: []", "related: ~", "secured: null").Parse());

        AssertOptionalFieldsAbsent(article);
    }

    /// <summary>Every optional field of the model is absent: null, false or an empty list.</summary>
    private static void AssertOptionalFieldsAbsent(ContentPipeline.Articles.Article article)
    {
        Assert.Null(article.Excerpt);
        Assert.Null(article.OriginalUrl);
        Assert.Null(article.Type);
        Assert.Null(article.Quality);
        Assert.Null(article.Heat);
        Assert.False(article.Published);
        Assert.Null(article.Provider);
        Assert.Empty(article.Topics);
        Assert.Empty(article.Images);
        Assert.Empty(article.Related);
        Assert.Null(article.Secured);
        Assert.Null(article.Extensions);
    }

    [Fact]
    public void Parse_EveryKnownField_IsTyped()
    {
        var article = ProblemAssert.Succeeded(ArticleText.With(
            "excerpt: \"A short summary: with a colon\"",
            "originalUrl: https://source.example.org/italy?ref=feed",
            "type: article",
            "quality: 24",
            "heat: -1",
            "published: true",
            "provider:",
            "  name: IET",
            "  domain: theiet.org",
            "topics: [Computer Vision, AI]",
            "images:",
            "  - url: \"https://example.com/i.jpg?w=1200&h=450\"",
            "    width: 1200",
            "    height: 450",
            "    isCached: false",
            "related:",
            "  - title: Related one",
            "    excerpt: More",
            "    publishedDateTime: 2022-11-16T15:58:00Z",
            "    webUrl: https://thenextweb.com/news/one",
            "    type: article",
            "    quality: 66",
            "    provider: {name: The Next Web, domain: thenextweb.com}",
            "    images:",
            "      - url: https://img.example.com/1.jpg",
            "        width: 1280",
            "secured: abc").Parse());

        Assert.Equal("A short summary: with a colon", article.Excerpt);
        Assert.Equal("https://source.example.org/italy?ref=feed", article.OriginalUrl);
        Assert.Equal("article", article.Type);
        Assert.Equal(24, article.Quality);
        Assert.Equal(-1, article.Heat);
        Assert.True(article.Published);
        Assert.Equal("IET", article.Provider?.Name);
        Assert.Equal("theiet.org", article.Provider?.Domain);
        Assert.Null(article.Provider?.Extensions);
        Assert.Equal(["Computer Vision", "AI"], article.Topics);
        var image = Assert.Single(article.Images);
        Assert.Equal("https://example.com/i.jpg?w=1200&h=450", image.Url);
        Assert.Equal(1200, image.Width);
        Assert.Equal(450, image.Height);
        Assert.False(image.IsCached);
        var related = Assert.Single(article.Related);
        Assert.Equal("Related one", related.Title);
        Assert.Equal("More", related.Excerpt);
        Assert.Equal(new DateTimeOffset(2022, 11, 16, 15, 58, 0, TimeSpan.Zero), related.PublishedDateTime);
        Assert.Equal("https://thenextweb.com/news/one", related.WebUrl);
        Assert.Equal("article", related.Type);
        Assert.Equal(66, related.Quality);
        Assert.Equal("The Next Web", related.Provider?.Name);
        Assert.Equal("thenextweb.com", related.Provider?.Domain);
        var relatedImage = Assert.Single(related.Images);
        Assert.Equal("https://img.example.com/1.jpg", relatedImage.Url);
        Assert.Equal(1280, relatedImage.Width);
        Assert.Null(relatedImage.Height);
        Assert.Null(relatedImage.IsCached);
        Assert.Equal("abc", article.Secured);
    }

    [Fact]
    public void Parse_Utf8ByteOrderMark_IsSkipped()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(ArticleText.With("type: article").Bytes).ToArray();

        var article = ProblemAssert.Succeeded(ArticleText.ParseBytes(bytes));

        Assert.Equal("news", article.Category);
        Assert.Equal(ArticleText.Title, article.Title);
        Assert.Equal("article", article.Type);
    }

    [Fact]
    public void Parse_CrlfLineEndingsEverywhere_AreAcceptedAndBodyUsesLf()
    {
        var text = ArticleText.With("topics:", "  - AI", "  - Robots", "excerpt: Short")
            .WithBody("# Heading\n\nFirst line\nSecond line\n")
            .Text.Replace("\n", "\r\n", StringComparison.Ordinal);
        Assert.Contains("\r\n---\r\n# Heading", text, StringComparison.Ordinal);

        var article = ProblemAssert.Succeeded(ArticleText.ParseText(text));

        Assert.Equal(ArticleText.Title, article.Title);
        Assert.Equal("news", article.Category);
        Assert.Equal(ArticleText.WebUrl, article.WebUrl);
        Assert.Equal("Short", article.Excerpt);
        Assert.Equal(["AI", "Robots"], article.Topics);
        Assert.Equal("# Heading\n\nFirst line\nSecond line\n", article.Body);
    }

    [Fact]
    public void Parse_CrlfLineEndings_ProblemLinesAreFileLines()
    {
        var text = ArticleText.With("excerpt: fine", "quality: high").Text.Replace("\n", "\r\n", StringComparison.Ordinal);

        ProblemAssert.Single(ArticleText.ParseText(text), ProblemCodes.WrongType, 7, 10, "'quality'", "high");
    }

    [Theory]
    [InlineData("--- ", "---")]
    [InlineData("---\t", "---")]
    [InlineData("---", "---  \t ")]
    [InlineData("---  \t", "--- \t")]
    public void Parse_TrailingSpacesOrTabsAfterDelimiters_AreAccepted(string opening, string closing)
    {
        var text = $"{opening}\ncategory: news\ntitle: T\npublishedDateTime: 2022-11-15T17:36:00Z\nwebUrl: https://example.com/a\n{closing}\nBody text\n";

        var article = ProblemAssert.Succeeded(ArticleText.ParseText(text));

        Assert.Equal("T", article.Title);
        Assert.Equal("Body text\n", article.Body);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("\n\n   \n\t\n")]
    public void Parse_NoBodyAfterClosingDelimiter_BodyIsNull(string afterClosingLine)
    {
        var article = ProblemAssert.Succeeded(ArticleText.With().WithBody(afterClosingLine).Parse());

        Assert.Null(article.Body);
    }

    [Fact]
    public void Parse_ClosingDelimiterWithoutLineBreakAtEndOfFile_BodyIsNull()
    {
        var text = ArticleText.With().Text.TrimEnd('\n');
        Assert.EndsWith("\n---", text, StringComparison.Ordinal);

        var article = ProblemAssert.Succeeded(ArticleText.ParseText(text));

        Assert.Null(article.Body);
        Assert.Equal(ArticleText.Title, article.Title);
    }

    [Fact]
    public void Parse_WithBody_BodyIsExactTextAfterClosingLine()
    {
        const string Body = "\n# Italy bans it\n\nSome *Markdown* text.\n---\ntitle: not front matter\n  indented line  \n";

        var article = ProblemAssert.Succeeded(ArticleText.With().WithBody(Body).Parse());

        Assert.Equal(Body, article.Body);
        Assert.Equal(ArticleText.Title, article.Title);
    }

    [Fact]
    public void Parse_PublishedWithPositiveOffset_IsStoredAsUtcWithZeroOffset()
    {
        var article = ProblemAssert.Succeeded(ArticleText.With()
            .Replace("publishedDateTime", "publishedDateTime: 2022-11-15T19:36:00+02:00").Parse());

        // Checked field by field: DateTimeOffset equality alone ignores the offset, and none of this depends on the machine's time zone.
        Assert.Equal(TimeSpan.Zero, article.PublishedDateTime.Offset);
        Assert.Equal(new DateTime(2022, 11, 15, 17, 36, 0, DateTimeKind.Unspecified), article.PublishedDateTime.DateTime);
        Assert.Equal(17, article.PublishedDateTime.Hour);
        Assert.Equal(new DateTime(2022, 11, 15, 17, 36, 0, DateTimeKind.Utc), article.PublishedDateTime.UtcDateTime);
    }

    public static TheoryData<string, DateTimeOffset> AcceptedDates { get; } = new()
    {
        { "2022-11-15T19:36:00+02:00", SeedTime },
        { "2022-11-15T12:06:00-05:30", SeedTime },
        { "2022-11-16T01:36:00+08:00", SeedTime },
        { "2022-11-15T17:36:00Z", SeedTime },
        { "2022-11-15T17:36Z", SeedTime },
        { "2022-11-15 17:36:00Z", SeedTime },
        { "\"2022-11-15T17:36:00Z\"", SeedTime },
        { "2022-11-15T17:36:00.125Z", SeedTime.AddMilliseconds(125) },
        { "2022-11-15T18:36:00.1234567+01:00", SeedTime.AddTicks(1_234_567) },
        { "2022-11-15T17:36:00", SeedTime },
        { "2022-11-15T17:36:00.5", SeedTime.AddMilliseconds(500) },
        { "2022-11-15", new DateTimeOffset(2022, 11, 15, 0, 0, 0, TimeSpan.Zero) },
    };

    [Theory]
    [MemberData(nameof(AcceptedDates))]
    public void Parse_PublishedDateTimeForms_AreReadAsUtc(string written, DateTimeOffset expectedUtc)
    {
        var article = ProblemAssert.Succeeded(ArticleText.With()
            .Replace("publishedDateTime", $"publishedDateTime: {written}").Parse());

        Assert.Equal(TimeSpan.Zero, article.PublishedDateTime.Offset);
        Assert.Equal(expectedUtc.UtcDateTime, article.PublishedDateTime.UtcDateTime);
        Assert.Equal(expectedUtc.UtcTicks, article.PublishedDateTime.Ticks);
    }

    [Fact]
    public void Parse_RelatedPublishedDateTimeWithOffset_IsUtc()
    {
        var article = ProblemAssert.Succeeded(ArticleText.With(
            "related:",
            "  - title: R",
            "    webUrl: https://example.com/r",
            "    publishedDateTime: 2022-11-16T17:58:00+02:00").Parse());

        var published = Assert.Single(article.Related).PublishedDateTime;
        Assert.NotNull(published);
        Assert.Equal(TimeSpan.Zero, published.Value.Offset);
        Assert.Equal(new DateTime(2022, 11, 16, 15, 58, 0, DateTimeKind.Unspecified), published.Value.DateTime);
    }

    [Fact]
    public void Parse_UnknownTopLevelFields_AreKeptInExtensionsWithTheirTypes()
    {
        var article = ProblemAssert.Succeeded(ArticleText.With(
            "wordCount: 42",
            "sponsored: true",
            "author: Jane Doe",
            "quotedNumber: \"42\"",
            "editor: null",
            "score: 1.5",
            "tags: [a, 2, false]",
            "seo:",
            "  slug: italy-bans",
            "  weights:",
            "    title: 3",
            "    body: ~").Parse());

        var ext = article.Extensions;
        Assert.NotNull(ext);
        Assert.Equal(JsonValueKind.Number, ext["wordCount"]!.GetValueKind());
        Assert.Equal(42, ext["wordCount"]!.GetValue<long>());
        Assert.Equal(JsonValueKind.True, ext["sponsored"]!.GetValueKind());
        Assert.Equal("Jane Doe", ext["author"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.String, ext["quotedNumber"]!.GetValueKind());
        Assert.True(ext.ContainsKey("editor"));
        Assert.Null(ext["editor"]);
        Assert.Equal(1.5, ext["score"]!.GetValue<double>());
        Assert.Equal(JsonValueKind.Array, ext["tags"]!.GetValueKind());
        Assert.Equal(JsonValueKind.Object, ext["seo"]!.GetValueKind());
        Assert.Equal(
            """{"wordCount":42,"sponsored":true,"author":"Jane Doe","quotedNumber":"42","editor":null,"score":1.5,"tags":["a",2,false],"seo":{"slug":"italy-bans","weights":{"title":3,"body":null}}}""",
            ext.ToJsonString());
    }

    [Fact]
    public void Parse_UnknownFieldsInsideProviderImagesAndRelated_AreKeptInTheirExtensions()
    {
        var article = ProblemAssert.Succeeded(ArticleText.With(
            "provider:",
            "  name: IET",
            "  country: UK",
            "images:",
            "  - url: https://example.com/i.jpg",
            "    alt: A camera",
            "    focus: [0.5, 0.25]",
            "related:",
            "  - title: R",
            "    webUrl: https://example.com/r",
            "    score: 7",
            "    provider:",
            "      name: TNW",
            "      verified: false",
            "    images:",
            "      - url: https://example.com/r.jpg",
            "        credit: {by: Someone}").Parse());

        Assert.Null(article.Extensions);
        Assert.Equal("IET", article.Provider?.Name);
        Assert.Equal("""{"country":"UK"}""", article.Provider?.Extensions?.ToJsonString());
        Assert.Equal("""{"alt":"A camera","focus":[0.5,0.25]}""", Assert.Single(article.Images).Extensions?.ToJsonString());
        var related = Assert.Single(article.Related);
        Assert.Equal("""{"score":7}""", related.Extensions?.ToJsonString());
        Assert.Equal("""{"verified":false}""", related.Provider?.Extensions?.ToJsonString());
        Assert.Equal("""{"credit":{"by":"Someone"}}""", Assert.Single(related.Images).Extensions?.ToJsonString());
    }

    [Theory]
    [InlineData("secured: \"LrMQX567+xoBw3X6/UQ02==;5BUeE5K4ihHGe2oM3mu7JQ==\"", "LrMQX567+xoBw3X6/UQ02==;5BUeE5K4ihHGe2oM3mu7JQ==")]
    [InlineData("secured: LrMQX567+xoBw3X6/UQ02==;5BUeE5K4ihHGe2oM3mu7JQ==", "LrMQX567+xoBw3X6/UQ02==;5BUeE5K4ihHGe2oM3mu7JQ==")]
    [InlineData("secured: 'a+b/c=d;e=='", "a+b/c=d;e==")]
    public void Parse_Secured_IsKeptExactly(string line, string expected)
    {
        var article = ProblemAssert.Succeeded(ArticleText.With(line).Parse());

        Assert.Equal(expected, article.Secured);
    }

    [Fact]
    public void Parse_Topics_KeepFileOrder()
    {
        var article = ProblemAssert.Succeeded(ArticleText.With(
            "topics:", "  - Zeta", "  - alpha", "  - C#", "  - Computer Vision", "  - AI").Parse());

        Assert.Equal(["Zeta", "alpha", "C#", "Computer Vision", "AI"], article.Topics);
    }

    [Fact]
    public void Parse_SmallAnchorReusedThroughAliases_IsExpandedEverywhere()
    {
        var article = ProblemAssert.Succeeded(ArticleText.With(
            "provider: &iet",
            "  name: IET",
            "  domain: theiet.org",
            "topics: &topics [AI, Robots]",
            "related:",
            "  - title: R1",
            "    webUrl: https://example.com/r1",
            "    provider: *iet",
            "  - title: R2",
            "    webUrl: https://example.com/r2",
            "    provider: *iet",
            "sameTopics: *topics").Parse());

        Assert.Equal("IET", article.Provider?.Name);
        Assert.Equal(["AI", "Robots"], article.Topics);
        Assert.Equal(2, article.Related.Count);
        Assert.All(article.Related, r => Assert.Equal(("IET", "theiet.org"), (r.Provider?.Name, r.Provider?.Domain)));
        Assert.Equal("""{"sameTopics":["AI","Robots"]}""", article.Extensions?.ToJsonString());
    }

    [Fact]
    public void Parse_MergeKeyInRelatedItem_FillsFieldsAndExplicitKeysWin()
    {
        var article = ProblemAssert.Succeeded(ArticleText.With(
            "relatedDefaults: &base",
            "  type: article",
            "  quality: 10",
            "  provider: {name: TNW, domain: thenextweb.com}",
            "related:",
            "  - <<: *base",
            "    title: R1",
            "    webUrl: https://example.com/r1",
            "    quality: 66",
            "  - title: R2",
            "    <<: *base",
            "    webUrl: https://example.com/r2").Parse());

        Assert.Equal(2, article.Related.Count);
        var first = article.Related[0];
        Assert.Equal("R1", first.Title);
        Assert.Equal("article", first.Type);
        Assert.Equal(66, first.Quality);
        Assert.Equal("TNW", first.Provider?.Name);
        Assert.Null(first.Extensions);
        var second = article.Related[1];
        Assert.Equal("R2", second.Title);
        Assert.Equal(10, second.Quality);
        Assert.Equal("thenextweb.com", second.Provider?.Domain);
        Assert.Equal("""{"relatedDefaults":{"type":"article","quality":10,"provider":{"name":"TNW","domain":"thenextweb.com"}}}""", article.Extensions?.ToJsonString());
    }

    [Fact]
    public void Parse_MergeKeyWithListOfMappings_EarlierMappingWins()
    {
        var article = ProblemAssert.Succeeded(ArticleText.With(
            "a: &a {type: news, quality: 1}",
            "b: &b {type: blog, quality: 2, excerpt: from b}",
            "related:",
            "  - title: R",
            "    webUrl: https://example.com/r",
            "    <<: [*a, *b]").Parse());

        var related = Assert.Single(article.Related);
        Assert.Equal("news", related.Type);
        Assert.Equal(1, related.Quality);
        Assert.Equal("from b", related.Excerpt);
    }

    [Fact]
    public void Parse_MergeKeyInUnknownField_ExplicitAndEarlierKeysWinInExtensions()
    {
        var article = ProblemAssert.Succeeded(ArticleText.With(
            "a: &a {type: news, quality: 1}",
            "b: &b {type: blog, quality: 2, extra: from b}",
            "merged: {<<: [*a, *b], quality: 99}").Parse());

        Assert.Equal("""{"quality":99,"type":"news","extra":"from b"}""", article.Extensions?["merged"]?.ToJsonString());
    }

    [Fact]
    public void Parse_QuotedMergeKey_IsAnOrdinaryKey()
    {
        var article = ProblemAssert.Succeeded(ArticleText.With("\"<<\": {quality: 5}").Parse());

        Assert.Null(article.Quality);
        Assert.NotNull(article.Extensions);
        Assert.Equal(["<<"], article.Extensions.Select(e => e.Key));
        Assert.Equal("""{"quality":5}""", article.Extensions["<<"]?.ToJsonString());
    }

    [Fact]
    public void Parse_NonAsciiText_IsKeptExactly()
    {
        var article = ProblemAssert.Succeeded(ArticleText.With()
            .Replace("title", "title: \"Worrying loophole in Italy’s ban — “quoted” ✓ 😀\"")
            .Add("topics: [Künstliche Intelligenz]").Parse());

        Assert.Equal("Worrying loophole in Italy’s ban — “quoted” ✓ 😀", article.Title);
        Assert.Equal(["Künstliche Intelligenz"], article.Topics);
    }
}
