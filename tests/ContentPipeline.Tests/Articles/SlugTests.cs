using ContentPipeline.Articles;

namespace ContentPipeline.Tests.Articles;

public class SlugTests
{
    [Theory]
    [InlineData("Computer Vision", "computer-vision")]
    [InlineData("AI", "ai")]
    [InlineData("C#", "csharp")]
    [InlineData("C++", "cplusplus")]
    [InlineData("C", "c")]
    [InlineData("F#", "fsharp")]
    [InlineData("Künstliche Intelligenz", "künstliche-intelligenz")]
    [InlineData("  --Hello,  World!! ", "hello-world")]
    [InlineData("news", "news")]
    [InlineData("Web 3.0", "web-3-0")]
    [InlineData("e-mail & chat", "e-mail-chat")]
    [InlineData("ＡＩ", "ai")]
    [InlineData("Ünïcödé", "ünïcödé")]
    [InlineData("人工知能", "人工知能")]
    public void From_Name_GivesExpectedSlug(string name, string expected)
    {
        Assert.Equal(expected, Slug.From(name));
    }

    [Fact]
    public void From_CSharpCPlusPlusAndC_StayApart()
    {
        var slugs = new[] { "C#", "C++", "C" }.Select(Slug.From).ToList();

        Assert.Equal(3, slugs.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("!?.,;:-_/\\")]
    [InlineData("— … “ ”")]
    public void From_NoLetterOrDigit_GivesEmpty(string name)
    {
        Assert.Equal(string.Empty, Slug.From(name));
    }

    [Fact]
    public void From_DecomposedAndComposedUmlaut_GiveSameSlug()
    {
        Assert.Equal(Slug.From("K\u00FCnstliche"), Slug.From("Ku\u0308nstliche"));
    }

    [Fact]
    public void From_LongName_IsCappedAtMaxLength()
    {
        var slug = Slug.From(new string('a', 500));

        Assert.Equal(Slug.MaxLength, slug.Length);
        Assert.Equal(new string('a', Slug.MaxLength), slug);
    }

    [Fact]
    public void From_LongNameOfWords_IsCappedWithoutTrailingHyphen()
    {
        var name = string.Join(' ', Enumerable.Repeat("Word", 100));

        var slug = Slug.From(name);

        Assert.InRange(slug.Length, Slug.MaxLength - 5, Slug.MaxLength);
        Assert.StartsWith("word-word-", slug, StringComparison.Ordinal);
        Assert.DoesNotMatch("-$", slug);
    }

    [Fact]
    public void From_CutFallingOnAHyphen_DropsTheHyphen()
    {
        // 79 letters, then a separator and "#": the hyphen lands in position 80 and must not end the slug.
        var slug = Slug.From(new string('b', 79) + " #");

        Assert.Equal(new string('b', 79), slug);
    }

    [Theory]
    [InlineData("computer-vision", true)]
    [InlineData("csharp", true)]
    [InlineData("Computer Vision", false)]
    [InlineData("computer--vision", false)]
    [InlineData("-ai", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsSlug_OnlyForWhatFromReturns(string? value, bool expected)
    {
        Assert.Equal(expected, Slug.IsSlug(value));
    }
}
