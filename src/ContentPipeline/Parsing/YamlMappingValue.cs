namespace ContentPipeline.Parsing;

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
