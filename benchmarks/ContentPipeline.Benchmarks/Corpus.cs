using System.Globalization;
using System.Text;
using ContentPipeline.Articles;
using ContentPipeline.Storage;

namespace ContentPipeline.Benchmarks;

/// <summary>
/// Generates article files shaped like the seeds: varied categories, providers and topics, 0-3 related items with
/// images, bodies from empty to about 20 KB; text from thousands of words, each item with a subject (a name) and a
/// figure, and one article in three another provider's rewrite of a recent item (as reprints are in news). Deterministic for a given seed number; every article is published, so
/// the feeds and anonymous lookups see all of them.
/// </summary>
public static class Corpus
{
    private static readonly string[] Categories = ["news", "science", "business", "technology", "health", "culture", "sport", "climate"];
    private static readonly string[] Topics =
    [
        "AI", "Computer Vision", "Climate", "Space", "Semiconductors", "Privacy", "Health", "Energy", "Robotics", "Quantum",
        "Biotech", "Security", "Cloud", "Mobile", "Transport", "Finance", "Education", "Policy", "Ocean", "Agriculture",
        "Künstliche Intelligenz", "Énergie", "Open Source", "Startups", "Chips", "Batteries", "Genomics", "Astronomy", "Media", "Games",
    ];

    private static readonly (string Name, string Domain)[] Providers =
    [
        ("IET", "theiet.org"), ("The Verge", "theverge.com"), ("Ars Technica", "arstechnica.com"), ("Reuters", "reuters.com"),
        ("Nature", "nature.com"), ("BBC", "bbc.co.uk"), ("TechCrunch", "techcrunch.com"), ("The Next Web", "thenextweb.com"),
        ("heise online", "heise.de"), ("STAT", "statnews.com"), ("Financial Times", "ft.com"), ("New Scientist", "newscientist.com"),
        ("The Guardian", "theguardian.com"), ("Wired", "wired.com"), ("Le Monde", "lemonde.fr"), ("Der Spiegel", "spiegel.de"),
        ("Science", "science.org"), ("Engadget", "engadget.com"), ("MIT Technology Review", "technologyreview.com"), ("Space.com", "space.com"),
    ];

    private static readonly string[] CommonWords =
    [
        "data", "model", "network", "energy", "policy", "research", "market", "system", "climate", "robot", "privacy", "chip",
        "battery", "satellite", "health", "study", "launch", "report", "growth", "security", "vision", "learning", "ocean", "city",
    ];

    private static readonly string[] Syllables = ["ba", "ke", "lo", "mi", "nu", "ra", "se", "ti", "vo", "zu", "ga", "pe", "ri", "do", "fa", "ju", "ly", "or", "ven", "ast"];

    // News text draws on a vocabulary of thousands of words and names: two unrelated articles share a few common words,
    // not their headline or subject (a corpus of two dozen words would make every article look like every other).
    private static readonly string[] Vocabulary = [.. Enumerable.Range(0, 3_000).Select(static i => Syllables[i % 20] + Syllables[i / 20 % 20] + Syllables[i / 400 % 20])];

    private const int ReprintsOneIn = 3; // estimates put reprints at 30-40% of news
    private const int RecentStories = 20;

    /// <summary>The slugs of every category the corpus uses.</summary>
    public static IReadOnlyList<string> CategorySlugs { get; } = [.. Categories.Select(Slug.From).Distinct()];

    /// <summary>The slugs of every topic the corpus uses.</summary>
    public static IReadOnlyList<string> TopicSlugs { get; } = [.. Topics.Select(Slug.From).Distinct()];

    /// <summary>One generated file.</summary>
    public sealed record Document(string Name, byte[] Bytes);

    /// <summary>
    /// <paramref name="count"/> files numbered from <paramref name="firstIndex"/>; with <paramref name="published"/>, all
    /// published then (new arrivals), else at random times over three years.
    /// </summary>
    public static IReadOnlyList<Document> Generate(int count, int seed = 42, int firstIndex = 0, DateTimeOffset? published = null)
    {
        var random = new Random(seed);
        var documents = new List<Document>(count);
        var recent = new List<NewsItem>(RecentStories);
        for (var i = firstIndex; i < firstIndex + count; i++)
        {
            documents.Add(new Document($"{i:D6}_{random.NextInt64():x16}.txt", Encoding.UTF8.GetBytes(Article(random, i, published, recent))));
        }

        return documents;
    }

    /// <summary>What a provider's article retells of a news item: its subject, its figure, its headline's words, when it broke.</summary>
    private sealed record NewsItem(string Subject, int Figure, string[] Headline, DateTimeOffset Published);

    /// <summary>
    /// A news item: one in <see cref="ReprintsOneIn"/> retells one of the last few (another provider's rewrite: the same
    /// subject and figure, most of the headline's words, hours later), the others are new.
    /// </summary>
    private static NewsItem Item(Random random, DateTimeOffset published, List<NewsItem> recent)
    {
        if (recent.Count > 0 && random.Next(ReprintsOneIn) == 0)
        {
            var told = recent[random.Next(recent.Count)];
            string[] headline = [.. told.Headline.Where(_ => random.Next(10) < 7), .. Draw(random, random.Next(1, 4))];
            return told with { Headline = headline, Published = told.Published.AddMinutes(random.Next(10, 600)) };
        }

        var item = new NewsItem(Capitalise(Word(random) + Word(random)), random.Next(100, 100_000), Draw(random, random.Next(5, 12)), published);
        if (recent.Count == RecentStories)
        {
            recent.RemoveAt(0);
        }

        recent.Add(item);
        return item;
    }

    private static string Article(Random random, int index, DateTimeOffset? at, List<NewsItem> recent)
    {
        var provider = Providers[random.Next(Providers.Length)];
        var randomTime = new DateTimeOffset(2022, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(0, 3 * 365 * 24 * 60));
        var item = Item(random, at ?? randomTime, recent);
        var published = at ?? item.Published;
        var title = $"{Capitalise(item.Headline[0])} {item.Subject} {string.Join(' ', item.Headline.Skip(1))}".TrimEnd();
        var excerpt = $"{Capitalise(Sentence(random, random.Next(15, 40)))}, {item.Subject} said of the {item.Figure} {Sentence(random, 3)}";
        var url = $"https://www.{provider.Domain}/articles/{published:yyyy/MM}/{Sentence(random, 4).Replace(' ', '-').ToLowerInvariant()}-{index}";
        var text = new StringBuilder()
            .Append("---\n")
            .Append(CultureInfo.InvariantCulture, $"category: {Categories[random.Next(Categories.Length)]}\n")
            .Append(CultureInfo.InvariantCulture, $"title: \"{title}\"\n")
            .Append(CultureInfo.InvariantCulture, $"excerpt: \"{excerpt}.\"\n")
            .Append(CultureInfo.InvariantCulture, $"publishedDateTime: {published:yyyy-MM-dd'T'HH:mm:ss'Z'}\n")
            .Append(CultureInfo.InvariantCulture, $"originalUrl: \"{url}\"\n")
            .Append(CultureInfo.InvariantCulture, $"webUrl: \"{url}\"\n")
            .Append("type: article\n")
            .Append(CultureInfo.InvariantCulture, $"quality: {random.Next(0, 101)}\n")
            .Append(CultureInfo.InvariantCulture, $"heat: {random.Next(-1, 101)}\n")
            .Append("published: true\n\n")
            .Append(CultureInfo.InvariantCulture, $"provider:\n  name: {provider.Name}\n  domain: {provider.Domain}\n\n")
            .Append("topics:\n");
        foreach (var topic in Enumerable.Range(0, random.Next(1, 4)).Select(_ => Topics[random.Next(Topics.Length)]).Distinct())
        {
            text.Append(CultureInfo.InvariantCulture, $"  - {topic}\n");
        }

        text.Append("\nimages:\n");
        AppendImage(text, random, url, "  ");
        var related = random.Next(0, 4);
        if (related > 0)
        {
            text.Append("\nrelated:\n");
            for (var r = 0; r < related; r++)
            {
                var other = Providers[random.Next(Providers.Length)];
                var relatedUrl = $"https://{other.Domain}/news/{Sentence(random, 3).Replace(' ', '-')}-{index}-{r}";
                text.Append(CultureInfo.InvariantCulture, $"  - title: \"{Capitalise(Sentence(random, 8))}\"\n")
                    .Append(CultureInfo.InvariantCulture, $"    excerpt: \"{Capitalise(Sentence(random, 25))} ...\"\n")
                    .Append(CultureInfo.InvariantCulture, $"    publishedDateTime: {published.AddHours(random.Next(1, 72)):yyyy-MM-dd'T'HH:mm:ss'Z'}\n")
                    .Append(CultureInfo.InvariantCulture, $"    webUrl: \"{relatedUrl}\"\n")
                    .Append("    type: article\n")
                    .Append(CultureInfo.InvariantCulture, $"    provider:\n      name: {other.Name}\n      domain: {other.Domain}\n")
                    .Append(CultureInfo.InvariantCulture, $"    quality: {random.Next(0, 101)}\n")
                    .Append("    images:\n");
                AppendImage(text, random, relatedUrl, "      ");
            }
        }

        var secured = new byte[240];
        random.NextBytes(secured);
        text.Append(CultureInfo.InvariantCulture, $"\nsecured: \"{Convert.ToBase64String(secured)};{Convert.ToBase64String(secured[..16])}\"\n---\n");
        var bodyBytes = random.Next(0, 4) == 0 ? 0 : random.Next(200, 20_000);
        if (bodyBytes > 0)
        {
            text.Append("\n## ").Append(Capitalise(Sentence(random, 5))).Append("\n\n");
            while (text.Length < bodyBytes)
            {
                text.Append(Capitalise(Sentence(random, random.Next(12, 30)))).Append(". ");
                if (random.Next(6) == 0)
                {
                    text.Append("\n\n- ").Append(Sentence(random, 6)).Append("\n- [source](").Append(url).Append(")\n\n");
                }
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>An article as the store would hold it after its first ingest (fixed bookkeeping), for entity mapping.</summary>
    public static StoredArticle Stored(Article article, string blobName, string contentHash) => new()
    {
        Article = article,
        ContentHash = contentHash,
        Source = new ArticleSource(blobName, "\"0x1\"", DateTimeOffset.UnixEpoch),
        PublishedSetBy = PublishStateSource.Upload,
        PublishedChangedAt = DateTimeOffset.UnixEpoch,
        CreatedAt = DateTimeOffset.UnixEpoch,
        UpdatedAt = DateTimeOffset.UnixEpoch,
        Version = 1,
    };

    private static void AppendImage(StringBuilder text, Random random, string url, string indent) =>
        text.Append(CultureInfo.InvariantCulture, $"{indent}- url: \"{url}/image-{random.Next(1000)}.jpg?width=1200&height=630\"\n")
            .Append(CultureInfo.InvariantCulture, $"{indent}  width: 1200\n{indent}  height: 630\n{indent}  isCached: {(random.Next(2) == 0 ? "true" : "false")}\n");

    private static string Sentence(Random random, int words) => string.Join(' ', Draw(random, words));

    private static string[] Draw(Random random, int count) => [.. Enumerable.Range(0, count).Select(_ => Word(random))];

    // Now and then one of a few common words, mostly one of thousands.
    private static string Word(Random random) => random.Next(4) == 0 ? CommonWords[random.Next(CommonWords.Length)] : Vocabulary[random.Next(Vocabulary.Length)];

    private static string Capitalise(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
