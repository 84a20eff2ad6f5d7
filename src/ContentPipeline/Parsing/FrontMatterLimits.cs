using System.ComponentModel.DataAnnotations;

namespace ContentPipeline.Parsing;

/// <summary>Limits that keep hostile or broken files from costing more than a normal article.</summary>
public sealed class FrontMatterLimits
{
    /// <summary>Default for <see cref="MaxFileBytes"/>: 1 MiB.</summary>
    public const int DefaultMaxFileBytes = 1024 * 1024;

    /// <summary>Largest file accepted, in bytes. Checked from the blob's properties before its content is read.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxFileBytes { get; set; } = DefaultMaxFileBytes;

    /// <summary>Deepest nesting of mappings and sequences accepted. The seed format needs 5 (root, related, item, images, image).</summary>
    [Range(5, 128)]
    public int MaxDepth { get; set; } = 32;

    /// <summary>Most YAML nodes accepted, counting every expansion of an alias or merge key (stops alias bombs).</summary>
    [Range(100, 10_000_000)]
    public int MaxNodes { get; set; } = 100_000;
}
