using System.Text;

namespace ContentPipeline.Feeds;

/// <summary>
/// Makes any text writable in XML 1.0: removes the characters it forbids (#x0-#x8, #xB, #xC, #xE-#x1F, #xFFFE, #xFFFF,
/// lone surrogates). Escaping of <c>&lt;</c>, <c>&amp;</c> and quotes is the XmlWriter's job, and no CDATA is written,
/// so <c>]]&gt;</c> needs nothing.
/// </summary>
public static class XmlSafeText
{
    /// <summary>The text without the characters XML 1.0 forbids (the same instance when there are none).</summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var firstBad = IndexOfInvalid(text);
        if (firstBad < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, firstBad);
        for (var i = firstBad; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (IsAllowed(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static int IndexOfInvalid(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (!IsAllowed(c))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsAllowed(char c) =>
        c is '\t' or '\n' or '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
}
