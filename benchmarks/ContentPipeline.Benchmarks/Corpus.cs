using System.Globalization;
using System.Text;
using ContentPipeline.Articles;
using ContentPipeline.Storage;

namespace ContentPipeline.Benchmarks;

/// <summary>
/// Generates article files shaped like the seeds: varied categories, providers and topics, 0-3 related items with
/// images, bodies from empty to about 20 KB. Deterministic for a given seed number; every article is published, so
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

    private static readonly string[] Words =
    [
        "data", "model", "network", "energy", "policy", "research", "market", "system", "climate", "robot", "privacy", "chip",
        "battery", "satellite", "health", "study", "launch", "report", "growth", "security", "vision", "learning", "ocean", "city",
    ];

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
        for (var i = firstIndex; i < firstIndex + count; i++)
        {
            documents.Add(new Document($"{i:D6}_{random.NextInt64():x16}.txt", Encoding.UTF8.GetBytes(Article(random, i, published))));
        }

        return documents;
    }

    private static string Article(Random random, int index, DateTimeOffset? at)
    {
        var provider = Providers[random.Next(Providers.Length)];
        var randomTime = new DateTimeOffset(2022, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(0, 3 * 365 * 24 * 60));
        var published = at ?? randomTime;
        var url = $"https://www.{provider.Domain}/articles/{published:yyyy/MM}/{Sentence(random, 4).Replace(' ', '-').ToLowerInvariant()}-{index}";
        var text = new StringBuilder()
            .Append("---\n")
            .Append(CultureInfo.InvariantCulture, $"category: {Categories[random.Next(Categories.Length)]}\n")
            .Append(CultureInfo.InvariantCulture, $"title: \"{Capitalise(Sentence(random, random.Next(5, 12)))}\"\n")
            .Append(CultureInfo.InvariantCulture, $"excerpt: \"{Capitalise(Sentence(random, random.Next(15, 40)))}.\"\n")
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

    private static string Sentence(Random random, int words) => string.Join(' ', Enumerable.Range(0, words).Select(_ => Words[random.Next(Words.Length)]));

    private static string Capitalise(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
