namespace ContentPipeline.Feeds;

/// <summary>The three formats of every feed, with their file suffix and media type.</summary>
public enum FeedFormat
{
    /// <summary>RSS 2.0, <c>{base}.rss.xml</c>.</summary>
    Rss,

    /// <summary>Atom 1.0 (RFC 4287), <c>{base}.atom.xml</c>.</summary>
    Atom,

    /// <summary>JSON Feed 1.1, <c>{base}.json</c>.</summary>
    Json,
}
