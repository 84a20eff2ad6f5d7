using System.Globalization;

namespace ContentPipeline.Stories;

/// <summary>
/// What the clustering compares of an article: its headline's terms, a MinHash signature of its headline's and
/// excerpt's terms (<see cref="Hashes"/> minimum hashes: the share of equal ones estimates the terms' Jaccard
/// similarity), its own and its related items' URLs, and when it was published. Its <see cref="Keys"/> are what
/// candidates are looked up by: a handful per article, so finding them costs a few lookups, never a scan.
/// </summary>
public sealed record StoryFingerprint(
    IReadOnlySet<string> HeadlineTerms, IReadOnlySet<string> Names, ulong[] Signature, string Url, IReadOnlySet<string> RelatedUrls, DateTimeOffset Published)
{
    /// <summary>Minimum hashes in a signature.</summary>
    public const int Hashes = 64;

    /// <summary>Keys drawn from the names (two articles sharing a name key share that name).</summary>
    public const int NameKeys = 2;

    /// <summary>Most related items' URLs that become keys.</summary>
    public const int MaxRelatedKeys = 4;

    /// <summary>
    /// The lookup keys (16 hex digits each): <see cref="NameKeys"/> MinHash picks among the names (weekdays and months
    /// left out), one among the headline's
    /// terms, one among all terms (the signature's first hash) when it has fewer names than that, its own URL and up to
    /// <see cref="MaxRelatedKeys"/> related URLs. Two articles of one story share a key with a probability that grows with
    /// their overlap, and a story of several articles is found through any of them. On the labelled corpus: about 4 keys
    /// per article.
    /// </summary>
    public IReadOnlyList<string> Keys { get; } = KeysOf(Names, HeadlineTerms, Signature, Url, RelatedUrls);

    /// <summary>The fingerprint of an article's headline, excerpt, URL and related items' URLs.</summary>
    public static StoryFingerprint Of(string title, string? excerpt, string url, IEnumerable<string> relatedUrls, DateTimeOffset published)
    {
        ArgumentNullException.ThrowIfNull(title);
        var headline = StoryText.Terms(StoryText.Headline(title));
        var names = StoryText.Names(StoryText.Headline(title), excerpt);
        var terms = new HashSet<string>(headline, StringComparer.Ordinal);
        terms.UnionWith(StoryText.Terms(excerpt));
        var signature = new ulong[Hashes];
        Array.Fill(signature, ulong.MaxValue);
        foreach (var term in terms)
        {
            var hash = Fnv1a(term);
            for (var i = 0; i < Hashes; i++)
            {
                signature[i] = Math.Min(signature[i], Mix(hash ^ (ulong)(i + 1) * 0x9E3779B97F4A7C15UL));
            }
        }

        return new StoryFingerprint(headline, names, signature, Normalize(url), relatedUrls.Select(Normalize).ToHashSet(StringComparer.Ordinal), published);
    }

    private static List<string> KeysOf(IReadOnlySet<string> names, IReadOnlySet<string> headline, ulong[] signature, string url, IReadOnlySet<string> related)
    {
        var keys = new List<string>(NameKeys + 3 + MaxRelatedKeys);
        var distinctive = names.Where(static n => !StoryText.IsCalendarWord(n)).ToList(); // "Monday" in one rewrite only must not steer its picks away
        for (var i = 1; i <= NameKeys && distinctive.Count > 0; i++)
        {
            keys.Add(Key($"name{i}:{distinctive.MinBy(n => Mix(Fnv1a(n) ^ (ulong)i * 0xD6E8FEB86659FD93UL))}"));
        }

        if (headline.Count > 0)
        {
            keys.Add(Key($"headline:{headline.MinBy(static t => Mix(Fnv1a(t)))}"));
        }

        if (distinctive.Count < NameKeys && signature.Length > 0 && signature[0] != ulong.MaxValue)
        {
            // Few names to find candidates by: one more key, from all its terms.
            keys.Add(Key(string.Create(CultureInfo.InvariantCulture, $"terms:{signature[0]:x16}")));
        }

        keys.Add(Key($"url:{url}"));
        keys.AddRange(related.Order(StringComparer.Ordinal).Take(MaxRelatedKeys).Select(static u => Key($"url:{u}")));
        return [.. keys.Distinct(StringComparer.Ordinal)];
    }

    private static string Key(string text) => Mix(Fnv1a(text)).ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>The estimated Jaccard similarity of two fingerprints' terms: the share of equal minimum hashes.</summary>
    public double TermSimilarity(StoryFingerprint other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var equal = 0;
        for (var i = 0; i < Hashes; i++)
        {
            equal += Signature[i] == other.Signature[i] && Signature[i] != ulong.MaxValue ? 1 : 0;
        }

        return (double)equal / Hashes;
    }

    /// <summary>The Jaccard similarity of two fingerprints' headline terms.</summary>
    public double HeadlineSimilarity(StoryFingerprint other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (HeadlineTerms.Count == 0 || other.HeadlineTerms.Count == 0)
        {
            return 0;
        }

        var shared = HeadlineTerms.Count(other.HeadlineTerms.Contains);
        return (double)shared / (HeadlineTerms.Count + other.HeadlineTerms.Count - shared);
    }

    /// <summary>
    /// Whether the two share most of the names and numbers the one with fewer has (more than half of them): two stories of
    /// one kind of event elsewhere share a year or a weekday, not their subject and figures. True when either has none.
    /// </summary>
    public bool SharesAName(StoryFingerprint other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var fewer = Math.Min(Names.Count, other.Names.Count);
        return fewer == 0 || Names.Count(other.Names.Contains) * 2 > fewer;
    }

    /// <summary>Whether one names the other among its related items, or both name the same one.</summary>
    public bool RelatedTo(StoryFingerprint other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return RelatedUrls.Contains(other.Url) || other.RelatedUrls.Contains(Url) || RelatedUrls.Overlaps(other.RelatedUrls);
    }

    /// <summary>A URL as compared: host and path (no scheme, query or trailing slash), hashed to 16 hex digits, so a row of 20 of them stays small.</summary>
    private static string Normalize(string url) =>
        Key(Uri.TryCreate(url, UriKind.Absolute, out var parsed) ? $"{parsed.Host.ToLowerInvariant()}{parsed.AbsolutePath.TrimEnd('/')}" : url);

    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    private static ulong Mix(ulong x) // splitmix64's finaliser: every bit of the input moves the output
    {
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
