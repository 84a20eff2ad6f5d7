namespace ContentPipeline.Parsing;

/// <summary>A 1-based position in the file (not in the front-matter slice).</summary>
internal readonly record struct TextPosition(int Line, int Column);

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

internal sealed class YamlScalarValue(TextPosition start, string value, bool isPlain) : YamlValue(start)
{
    public string Value { get; } = value;

    /// <summary>An unquoted, untagged scalar: the only kind YAML resolves to null, booleans and numbers.</summary>
    public bool IsPlain { get; } = isPlain;

    /// <summary>Whether YAML's core schema reads this scalar as null (<c>~</c>, <c>null</c>, or nothing).</summary>
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string KindName => IsPlain ? "a plain value" : "quoted text";
}

internal sealed class YamlSequenceValue(TextPosition start) : YamlValue(start)
{
    public List<YamlValue> Items { get; } = [];

    public override string KindName => "a list";
}

internal sealed class YamlMappingValue(TextPosition start) : YamlValue(start)
{
    public List<KeyValuePair<YamlScalarValue, YamlValue>> Entries { get; } = [];

    public override string KindName => "a mapping";

    /// <summary>Looks a key up (keys are unique once the reader has checked them).</summary>
    public YamlValue? this[string key]
    {
        get
        {
            foreach (var (k, v) in Entries)
            {
                if (string.Equals(k.Value, key, StringComparison.Ordinal))
                {
                    return v;
                }
            }

            return null;
        }
    }
}
