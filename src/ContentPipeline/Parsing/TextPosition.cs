namespace ContentPipeline.Parsing;

/// <summary>A 1-based position in the file (not in the front-matter slice).</summary>
internal readonly record struct TextPosition(int Line, int Column);
