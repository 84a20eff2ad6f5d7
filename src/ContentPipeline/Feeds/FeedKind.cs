namespace ContentPipeline.Feeds;

/// <summary>Which articles a feed lists.</summary>
public enum FeedKind
{
    /// <summary>Every published article.</summary>
    All,

    /// <summary>One category.</summary>
    Category,

    /// <summary>One topic.</summary>
    Topic,
}
