using System.Globalization;
using System.Text;

namespace ContentPipeline.Stories;

/// <summary>
/// What the clustering compares of an article: its headline's terms, a MinHash signature of its headline's and
/// excerpt's terms (<see cref="Hashes"/> minimum hashes: the share of equal ones estimates the terms' Jaccard
/// similarity), the signature's band keys (articles that share a band are candidates, so finding them costs a lookup
/// per band, not a scan), its own and its related items' URLs, and when it was published.
/// </summary>
public sealed record StoryFingerprint(
    IReadOnlySet<string> HeadlineTerms, IReadOnlySet<string> Names, ulong[] Signature, IReadOnlyList<string> Bands, string Url, IReadOnlySet<string> RelatedUrls, DateTimeOffset Published)
{
    /// <summary>Minimum hashes in a signature.</summary>
    public const int Hashes = 64;

    /// <summary>Hashes per band: two articles are candidates when all of one band's hashes agree.</summary>
    public const int RowsPerBand = 2;

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

        var bands = new List<string>(Hashes / RowsPerBand);
        for (var band = 0; band < Hashes / RowsPerBand && terms.Count > 0; band++)
        {
            var key = new StringBuilder().Append(band.ToString("D2", CultureInfo.InvariantCulture));
            for (var row = 0; row < RowsPerBand; row++)
            {
                key.Append('-').Append(signature[(band * RowsPerBand) + row].ToString("x16", CultureInfo.InvariantCulture));
            }

            bands.Add(key.ToString());
        }

        return new StoryFingerprint(headline, names, signature, bands, Normalize(url), relatedUrls.Select(Normalize).ToHashSet(StringComparer.Ordinal), published);
    }

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

    private static string Normalize(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var parsed) ? $"{parsed.Host.ToLowerInvariant()}{parsed.AbsolutePath.TrimEnd('/')}" : url;

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
