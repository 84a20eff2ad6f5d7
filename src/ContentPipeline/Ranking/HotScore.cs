using ContentPipeline.Storage;

namespace ContentPipeline.Ranking;

/// <summary>
/// The hot score, after Hacker News' ranking: what an article has going for it, divided by its age raised to a gravity:
/// <c>(1 + max(0, HeatWeight × heat + QualityWeight × quality + SourcesWeight × ln(sources))) / (ageHours + AgeOffsetHours) ^ Gravity</c>.
/// A missing heat or quality counts as zero; the age is from the publication time (never negative).
/// </summary>
public static class HotScore
{
    /// <summary>The score of <paramref name="article"/> at <paramref name="now"/>, covered by <paramref name="sources"/> sources.</summary>
    public static double Of(ArticleSummary article, DateTimeOffset now, RankingOptions options, int sources = 1)
    {
        ArgumentNullException.ThrowIfNull(article);
        ArgumentNullException.ThrowIfNull(options);
        var merit = (options.HeatWeight * (article.Heat ?? 0)) + (options.QualityWeight * (article.Quality ?? 0)) + (options.SourcesWeight * Math.Log(Math.Max(1, sources)));
        var ageHours = Math.Max(0, (now - article.PublishedDateTime).TotalHours);
        return (1 + Math.Max(0, merit)) / Math.Pow(ageHours + options.AgeOffsetHours, options.Gravity);
    }
}
