using ContentPipeline.Parsing;

namespace ContentPipeline.Tests.Parsing;

public class SeedFileTests
{
    private static readonly FrontMatterParser Parser = new(new FrontMatterLimits());

    [Fact]
    public void Parse_RealSeed_ReadsEveryField()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "seeds", "000_043b1fd4fbc56517.txt");
        var result = Parser.Parse(File.ReadAllBytes(path), "000_043b1fd4fbc56517.txt");

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        var a = result.Article;
        Assert.Equal("news", a.Category);
        Assert.Equal("Italy bans the use of facial-recognition technology", a.Title);
        Assert.StartsWith("Italy's Data Protection Agency has issued a rebuke", a.Excerpt);
        Assert.Equal(new DateTimeOffset(2022, 11, 15, 17, 36, 0, TimeSpan.Zero), a.PublishedDateTime);
        Assert.Equal(TimeSpan.Zero, a.PublishedDateTime.Offset);
        Assert.Equal("https://eandt.theiet.org/content/articles/2022/11/italy-bans-the-use-of-facial-recognition-technology/", a.OriginalUrl);
        Assert.Equal(a.OriginalUrl, a.WebUrl);
        Assert.Equal("article", a.Type);
        Assert.Equal(24, a.Quality);
        Assert.Equal(-1, a.Heat);
        Assert.False(a.Published);
        Assert.Equal("IET", a.Provider?.Name);
        Assert.Equal("theiet.org", a.Provider?.Domain);
        Assert.Equal(["Computer Vision", "AI"], a.Topics);
        var image = Assert.Single(a.Images);
        Assert.StartsWith("https://eandt.theiet.org/media/19915/untitled-design-5.jpg?crop=0,0.27416666666666667", image.Url);
        Assert.Equal(1200, image.Width);
        Assert.Equal(450, image.Height);
        Assert.True(image.IsCached);
        var related = Assert.Single(a.Related);
        Assert.Equal("Worrying loophole in Italy’s facial recognition ban points to the EU’s future", related.Title);
        Assert.Equal(new DateTimeOffset(2022, 11, 16, 15, 58, 0, TimeSpan.Zero), related.PublishedDateTime);
        Assert.Equal("https://thenextweb.com/news/italy-facial-recognition-ban-loophole-police-reflects-eu-plans", related.WebUrl);
        Assert.Equal("The Next Web", related.Provider?.Name);
        Assert.Equal(66, related.Quality);
        Assert.Equal(1280, Assert.Single(related.Images).Width);
        Assert.Equal("LrMQX567ChvWlq5F6cPF9Zis+xoBw3X6UQ02XpDv1DirTiwB69VGZysevfy7d86WZmtFVSJoNFpItjybu7g2IXzrPUu3ir8KaogD3uDUz9N/PVEQiFMXno/KN+C6rqLqHDBS5C9azSXJiRsRXgPmAUAgJUyE1qpRCwWdNDK1RIdJZqU7bq8RX2MaD0wprNloHk29Uth2Lvhwojz5Fq7ydHJ/JOQxOCBEGwXNVgLrV5JOuXKDu0NA009DlveEqCMmwO/8ySNqi5ZeYtblgYyD7mlrceC6q2/GmDYoJsmE0OXhYfKLZ/8zdYv8ASEcDXyyYBbUl/mRedQLL5aSMj3NY9f391OstZXXrw0YkqH+00s=;5BUeE5K4ihHGe2oM3mu7JQ==", a.Secured);
        Assert.Null(a.Body);
        Assert.Null(a.Extensions);
        Assert.Matches("^[0-9a-f]{20}$", a.Id);
    }

    public static TheoryData<string> SeedFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "seeds")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SeedFiles))]
    public void Parse_EverySeed_Succeeds(string fileName)
    {
        var result = Parser.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "seeds", fileName)), fileName);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.False(string.IsNullOrWhiteSpace(result.Article.Title));
        Assert.DoesNotContain('\r', result.Article.Body ?? string.Empty);
    }

    [Fact]
    public void Seeds_CoverSeveralCategoriesProvidersTopicsAndBodies()
    {
        var articles = Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "seeds")).Select(Path.GetFileName).OfType<string>()
            .Select(f => Parser.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "seeds", f)), f).Article!)
            .ToList();

        Assert.True(articles.Count >= 12);
        Assert.True(articles.Select(a => a.Category).Distinct().Count() >= 4);
        Assert.True(articles.Select(a => a.Provider?.Domain).Distinct().Count() >= 6);
        Assert.True(articles.SelectMany(a => a.Topics).Distinct().Count() >= 6);
        Assert.Contains(articles, a => a.Body is not null);
        Assert.Contains(articles, a => a.Published);
        Assert.Contains(articles, a => !a.Published);
        Assert.Equal(articles.Count, articles.Select(a => a.Id).Distinct().Count());
    }
}
