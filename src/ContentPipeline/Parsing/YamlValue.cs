namespace ContentPipeline.Parsing;

/// <summary>
/// A node of the small YAML tree the parser builds from YamlDotNet's event stream. Unlike YamlDotNet's
/// representation model, it is built without recursion, with a depth and a node budget, and it keeps the
/// position of every node for error messages. Alias targets are shared, not copied.
/// </summary>
internal abstract class YamlValue(TextPosition start)
{
    public TextPosition Start { get; } = start;

    /// <summary>Nodes in this subtree, counting each alias as the full size of what it refers to.</summary>
    public long Size { get; set; } = 1;

    public abstract string KindName { get; }
}
