namespace ContentPipeline.Parsing;

internal sealed class YamlSequenceValue(TextPosition start) : YamlValue(start)
{
    public List<YamlValue> Items { get; } = [];

    public override string KindName => "a list";
}
