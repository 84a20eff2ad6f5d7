using System.Text;

namespace ContentPipeline.Feeds;

/// <summary>Encodes plain text for places that readers interpret as HTML: only <c>&amp;</c>, <c>&lt;</c>, <c>&gt;</c> and quotes change.</summary>
public static class HtmlText
{
    /// <summary>The text with <c>&amp; &lt; &gt; " '</c> as character references (the same instance when it has none).</summary>
    public static string Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.AsSpan().IndexOfAny("&<>\"'") < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            _ = c switch
            {
                '&' => builder.Append("&amp;"),
                '<' => builder.Append("&lt;"),
                '>' => builder.Append("&gt;"),
                '"' => builder.Append("&quot;"),
                '\'' => builder.Append("&#39;"),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }
}
