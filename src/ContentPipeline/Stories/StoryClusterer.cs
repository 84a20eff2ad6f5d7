namespace ContentPipeline.Stories;

/// <summary>
/// Groups articles into stories as they arrive: an article joins the story of its closest earlier article within
/// <see cref="Window"/>, if that one is close enough (<see cref="IsSameStory"/>), else starts a story. Candidates are
/// the articles that share one of its <see cref="StoryFingerprint.Keys"/>, at most <see cref="CandidatesPerKey"/> of the
/// newest per key: a bounded number of comparisons per article, never a scan. In memory: the rule and its measure
/// (on the labelled corpus of the tests); <see cref="StoryAssigner"/> is the ingest's version, with the keys in a table.
/// </summary>
public sealed class StoryClusterer
{
    /// <summary>How far apart in time two articles of one story may be published.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(3);

    /// <summary>Newest articles looked at per band or related URL.</summary>
    public const int CandidatesPerKey = 8;

    /// <summary>Headline similarity from which two articles are one story.</summary>
    public const double HeadlineThreshold = 0.5;

    /// <summary>Similarity of headline and excerpt terms from which two articles are one story.</summary>
    public const double TermThreshold = 0.3;

    private readonly List<(StoryFingerprint Fingerprint, int Story)> _articles = [];
    private readonly Dictionary<string, List<int>> _byKey = new(StringComparer.Ordinal);
    private int _stories;

    /// <summary>Comparisons made so far (what one article costs is bounded by the keys times <see cref="CandidatesPerKey"/>).</summary>
    public long Comparisons { get; private set; }

    /// <summary>
    /// Whether two articles tell one story: within the window, and one names the other (or both the same item) among
    /// their related items, or they share most names and numbers and their headlines or their texts are alike. When one
    /// has no names at all, nothing anchors them: both the headlines and the texts must be alike.
    /// </summary>
    public static bool IsSameStory(StoryFingerprint a, StoryFingerprint b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if ((a.Published - b.Published).Duration() > Window)
        {
            return false;
        }

        if (a.RelatedTo(b))
        {
            return true;
        }

        var (headlines, texts) = (a.HeadlineSimilarity(b) >= HeadlineThreshold, a.TermSimilarity(b) >= TermThreshold);
        return a.Names.Count == 0 || b.Names.Count == 0 ? headlines && texts : a.SharesAName(b) && (headlines || texts);
    }

    /// <summary>How close two articles of one story are (of several candidates, the article joins the closest one's story).</summary>
    public static double Closeness(StoryFingerprint a, StoryFingerprint b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Math.Max(a.HeadlineSimilarity(b), a.TermSimilarity(b)) + (a.RelatedTo(b) ? 1 : 0);
    }

    /// <summary>Adds an article; returns the story it joins (numbered from 0 in order of creation).</summary>
    public int Add(StoryFingerprint fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        var keys = fingerprint.Keys;
        var best = (Score: 0.0, Story: -1);
        foreach (var candidate in keys.SelectMany(k => _byKey.TryGetValue(k, out var list) ? list.TakeLast(CandidatesPerKey) : []).Distinct())
        {
            Comparisons++;
            var other = _articles[candidate];
            if (IsSameStory(fingerprint, other.Fingerprint))
            {
                var score = Closeness(fingerprint, other.Fingerprint);
                best = score > best.Score ? (score, other.Story) : best;
            }
        }

        var story = best.Story >= 0 ? best.Story : _stories++;
        _articles.Add((fingerprint, story));
        foreach (var key in keys)
        {
            if (!_byKey.TryGetValue(key, out var list))
            {
                _byKey[key] = list = [];
            }

            list.Add(_articles.Count - 1);
        }

        return story;
    }
}
