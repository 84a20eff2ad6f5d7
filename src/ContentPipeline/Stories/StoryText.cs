using System.Globalization;
using System.Text;

namespace ContentPipeline.Stories;

/// <summary>
/// The terms a story is recognised by: a headline's and excerpt's words, lowercased, without accents, punctuation,
/// stop words or a provider's name tacked onto the headline ("… - Reuters", "… | BBC News"), and with the commonest
/// English endings cut (bans, banned, banning: ban), so that two rewrites of one headline share their terms.
/// </summary>
public static class StoryText
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "for", "with", "at", "by", "from", "as", "is", "are",
        "was", "were", "be", "been", "being", "it", "its", "this", "that", "these", "those", "after", "before", "over",
        "into", "about", "than", "then", "says", "said", "say", "new", "will", "would", "could", "can", "has", "have", "had",
        "not", "no", "up", "out", "amid", "against", "more", "most", "how", "why", "what", "who", "when", "where", "report",
        "reports", "via", "latest", "news", "update", "live", "breaking",
    };

    /// <summary>Weekdays and months: written with a capital, but shared by any two stories of one week, never distinctive.</summary>
    private static readonly HashSet<string> CalendarWords = new(
        ((string[])["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
            "april", "may", "june", "july", "august", "september", "october", "november", "december"]).Select(Stem),
        StringComparer.Ordinal);

    private static readonly string[] ProviderSeparators = [" - ", " | ", " — ", " – "];

    /// <summary>The headline without a provider's name after a separator (the longest part before it is kept).</summary>
    public static string Headline(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        foreach (var separator in ProviderSeparators)
        {
            var at = title.LastIndexOf(separator, StringComparison.Ordinal);
            if (at > 0 && title.Length - at - separator.Length <= 30) // a short tail: a provider's name, not half the headline
            {
                return title[..at];
            }
        }

        return title;
    }

    /// <summary>
    /// The names and numbers of a headline and an excerpt: terms written with a capital inside a sentence (not the
    /// capital a sentence starts with), and numbers (Italy, Tesla, 67). Two stories of one kind of event (a recall, a
    /// record profit) share most words but not these.
    /// </summary>
    public static IReadOnlySet<string> Names(params ReadOnlySpan<string?> texts)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            var sentenceStart = true;
            foreach (var word in (text ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var trimmed = word.TrimStart('"', '(', '\'', '‘', '“');
                if (trimmed.Length > 0 && ((char.IsUpper(trimmed[0]) && !sentenceStart) || char.IsAsciiDigit(trimmed[0])) && Terms(trimmed) is { Count: > 0 } terms)
                {
                    names.UnionWith(terms);
                }

                sentenceStart = word[^1] is '.' or '!' or '?' or ':';
            }
        }

        return names;
    }

    /// <summary>Whether a name (as <see cref="Names"/> gives it) is a weekday or a month: no subject of its own.</summary>
    public static bool IsCalendarWord(string name) => CalendarWords.Contains(name);

    /// <summary>The terms of a text (see the type).</summary>
    public static IReadOnlySet<string> Terms(string? text)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text))
        {
            return terms;
        }

        var word = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark && c is not '\'' and not '’')
            {
                Add(terms, word);
            }
        }

        Add(terms, word);
        return terms;
    }

    private static void Add(HashSet<string> terms, StringBuilder word)
    {
        if (word.Length > 1 && !StopWords.Contains(word.ToString()))
        {
            terms.Add(Stem(word.ToString()));
        }

        word.Clear();
    }

    /// <summary>Cuts the commonest English endings (a light stemmer: enough to match bans, banned and banning).</summary>
    internal static string Stem(string word)
    {
        if (word.Length <= 3 || char.IsAsciiDigit(word[0]))
        {
            return word;
        }

        foreach (var ending in (ReadOnlySpan<string>)["ings", "ing", "ied", "ies", "ed", "es", "s", "e"])
        {
            if (word.EndsWith(ending, StringComparison.Ordinal) && word.Length - ending.Length >= 3)
            {
                var stem = word[..^ending.Length];
                if (ending is "ied" or "ies")
                {
                    return stem + "y";
                }

                // banned -> bann -> ban, as Porter's stemmer does (but pull, pass and buzz keep their double letter)
                return stem.Length >= 4 && stem[^1] == stem[^2] && stem[^1] is not ('l' or 's' or 'z') && !"aeiou".Contains(stem[^1], StringComparison.Ordinal) ? stem[..^1] : stem;
            }
        }

        return word;
    }
}
