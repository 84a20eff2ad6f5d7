using System.ComponentModel.DataAnnotations;

namespace ContentPipeline.Parsing;

/// <summary>
/// Limits that keep hostile or broken files from costing more than a normal article. Every article is copied into up
/// to <c>3 + MaxTopics</c> index entries (each with its title, excerpt, category, topics, provider and lead image) and
/// appears in up to <c>1 + MaxTopics</c> feeds, so the limits on those fields bound what one upload can cost.
/// </summary>
public sealed class FrontMatterLimits
{
    /// <summary>Default for <see cref="MaxFileBytes"/>: 1 MiB.</summary>
    public const int DefaultMaxFileBytes = 1024 * 1024;

    /// <summary>Largest file accepted, in bytes. Checked from the blob's properties before its content is read.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxFileBytes { get; set; } = DefaultMaxFileBytes;

    /// <summary>
    /// Longest HTML a body may render to, in characters (the rendered body is stored and served beside the Markdown):
    /// bounds what Markdown constructs that expand (reference links, long tables) can make one article cost.
    /// </summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxHtmlLength { get; set; } = 2 * DefaultMaxFileBytes;

    /// <summary>Deepest nesting of mappings and sequences accepted. The seed format needs 5 (root, related, item, images, image).</summary>
    [Range(5, 128)]
    public int MaxDepth { get; set; } = 32;

    /// <summary>Most YAML nodes accepted, counting every expansion of an alias or merge key (stops alias bombs).</summary>
    [Range(100, 10_000_000)]
    public int MaxNodes { get; set; } = 100_000;

    /// <summary>Most topics per article: each is an index partition and a feed of its own.</summary>
    [Range(1, 100)]
    public int MaxTopics { get; set; } = 20;

    /// <summary>Most images per article, and per related item.</summary>
    [Range(1, 1000)]
    public int MaxImages { get; set; } = 20;

    /// <summary>Most related items per article.</summary>
    [Range(1, 1000)]
    public int MaxRelated { get; set; } = 20;

    /// <summary>Longest title, in characters (titles are copied into every index entry and feed item).</summary>
    [Range(10, 32_000)]
    public int MaxTitleLength { get; set; } = 1_000;

    /// <summary>Longest excerpt, in characters (copied into every index entry and feed item).</summary>
    [Range(10, 32_000)]
    public int MaxExcerptLength { get; set; } = 10_000;

    /// <summary>Longest category, topic, type, provider name or domain, in characters.</summary>
    [Range(10, 1_000)]
    public int MaxNameLength { get; set; } = 200;

    /// <summary>Longest URL, in characters.</summary>
    [Range(100, 32_000)]
    public int MaxUrlLength { get; set; } = 2_048;
}
