namespace ContentPipeline.Parsing;

internal sealed class YamlScalarValue(TextPosition start, string value, bool isPlain) : YamlValue(start)
{
    public string Value { get; } = value;

    /// <summary>An unquoted, untagged scalar: the only kind YAML resolves to null, booleans and numbers.</summary>
    public bool IsPlain { get; } = isPlain;

    /// <summary>Whether YAML's core schema reads this scalar as null (<c>~</c>, <c>null</c>, or nothing).</summary>
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string KindName => IsPlain ? "a plain value" : "quoted text";
}
