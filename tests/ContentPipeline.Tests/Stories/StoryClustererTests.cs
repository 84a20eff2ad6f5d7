using ContentPipeline.Corpus;
using ContentPipeline.Stories;
using Xunit.Abstractions;

namespace ContentPipeline.Tests.Stories;

/// <summary>
/// The clustering measured on the labelled corpus (at least 300 articles in 80 stories, with look-alikes): pairwise
/// precision and recall, and the comparisons one article costs.
/// </summary>
public sealed class StoryClustererTests(ITestOutputHelper output)
{
    [Fact]
    public void OnTheLabelledCorpus_PrecisionAndRecall_AreBothAtLeast09_AtABoundedCostPerArticle()
    {
        var corpus = StoryCorpus.Build();
        Assert.True(corpus.Count >= 300, $"{corpus.Count} articles");
        Assert.Equal(80, corpus.GroupBy(static a => a.Story).Count(static g => g.Count() > 1));
        var stories = corpus.DistinctBy(static a => a.Story).ToList();
        var lookAlikes = stories.SelectMany(a => stories.Where(b => b.Story > a.Story && (a.Subject == b.Subject || a.Event == b.Event)
            && (a.Published - b.Published).Duration() <= StoryClusterer.Window)).Count();
        Assert.True(lookAlikes >= 50, $"{lookAlikes} pairs of stories with the same subject or the same kind of event within the window");

        var clusterer = new StoryClusterer();
        var found = corpus.Select(a => clusterer.Add(StoryFingerprint.Of(a.Title, a.Excerpt, a.Url, a.Related, a.Published))).ToList();

        var (precision, recall) = StoryCorpus.Score(corpus, found);
        var perArticle = (double)clusterer.Comparisons / corpus.Count;
        output.WriteLine($"{corpus.Count} articles, {stories.Count} stories ({lookAlikes} look-alike pairs): precision {precision:F3}, recall {recall:F3}, {perArticle:F1} comparisons per article");
        Assert.True(precision >= 0.9, $"precision {precision:F3}");
        Assert.True(recall >= 0.9, $"recall {recall:F3}");
        Assert.True(perArticle <= (StoryFingerprint.NameKeys + 3 + StoryFingerprint.MaxRelatedKeys) * StoryClusterer.CandidatesPerKey);
    }

    [Theory]
    [InlineData("Italy bans facial recognition - Reuters", "Italy bans facial recognition")]
    [InlineData("A headline - with a long second half that is not a provider at all", "A headline - with a long second half that is not a provider at all")]
    [InlineData("Markets rally | BBC News", "Markets rally")]
    public void AProvidersNameAfterTheHeadline_IsLeftOut(string title, string headline) =>
        Assert.Equal(headline, StoryText.Headline(title));

    [Theory]
    [InlineData("bans", "ban")]
    [InlineData("banned", "ban")]
    [InlineData("banning", "ban")]
    [InlineData("prohibited", "prohibit")]
    [InlineData("studies", "study")]
    [InlineData("2030", "2030")]
    [InlineData("raise", "rais")]
    [InlineData("raises", "rais")]
    [InlineData("pulled", "pull")]
    [InlineData("pull", "pull")]
    public void CommonEndings_AreCut(string word, string stem) => Assert.Equal(stem, StoryText.Stem(word));

    [Fact]
    public void AWeekdayInOneRewriteOnly_NeverKeepsTheTwoFromSharingAKey()
    {
        // Two rewrites with the same subject and figures; one also says "Monday". Were the weekday a name key's pick, the
        // two would share no key in about one case of fifty and never be compared.
        var at = DateTimeOffset.UnixEpoch;
        for (var i = 0; i < 500; i++)
        {
            var subject = $"Zorvania{i:x4}";
            var a = StoryFingerprint.Of($"{subject} bans facial recognition in public spaces", $"Lawmakers in {subject} voted {100 + i} to {4000 - i} for the ban on Monday.", $"https://alpha.example/{i}", [], at);
            var b = StoryFingerprint.Of($"Facial recognition banned by {subject} - Beta", $"The ban passed {100 + i} to {4000 - i} in {subject}, ending years of debate.", $"https://beta.example/{i}", [], at);
            Assert.Contains("monday", a.Names);
            Assert.True(a.Keys.Intersect(b.Keys).Count() >= StoryFingerprint.NameKeys, subject);
            Assert.True(StoryClusterer.IsSameStory(a, b), subject);
        }
    }
}
