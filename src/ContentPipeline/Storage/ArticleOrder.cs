namespace ContentPipeline.Storage;

/// <summary>How a list is ordered.</summary>
public enum ArticleOrder
{
    /// <summary>Newest first (publication time).</summary>
    Newest,

    /// <summary>By <see cref="Ranking.HotScore"/>, highest first, among the list's newest <see cref="Ranking.RankingOptions.Window"/> entries.</summary>
    Hot,
}
