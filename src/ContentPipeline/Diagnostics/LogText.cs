using System.Globalization;
using System.Text;

namespace ContentPipeline.Diagnostics;

/// <summary>
/// Makes text from outside (blob names, problem messages quoting a file) safe to put in a log line: control and
/// line-separator characters become <c>\uXXXX</c> escapes, so a name holding a newline cannot forge a log line, and
/// very long values are cut.
/// </summary>
public static class LogText
{
    /// <summary>The most characters of one value written to a log.</summary>
    public const int MaxLength = 512;

    /// <summary>The escaped, possibly shortened, <paramref name="value"/> (the same instance when nothing needs escaping).</summary>
    public static string Escape(string? value)
    {
        if (value is null)
        {
            return string.Empty;
        }

        var clean = value.Length <= MaxLength && !value.Any(NeedsEscape);
        if (clean)
        {
            return value;
        }

        var kept = Math.Min(value.Length, MaxLength);
        if (kept < value.Length && char.IsHighSurrogate(value[kept - 1]))
        {
            kept--; // never cut a surrogate pair in two
        }

        var builder = new StringBuilder(kept + 32);
        foreach (var c in value.AsSpan(0, kept))
        {
            if (NeedsEscape(c))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        if (value.Length > MaxLength)
        {
            builder.Append(CultureInfo.InvariantCulture, $"… ({value.Length:N0} characters)");
        }

        return builder.ToString();
    }

    private static bool NeedsEscape(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
