namespace ContentPipeline.Corpus;

/// <summary>One article of the labelled corpus: what a provider published, and the story it belongs to.</summary>
public sealed record LabelledArticle(string Title, string Excerpt, string Url, IReadOnlyList<string> Related, DateTimeOffset Published, string Provider, int Story, string Subject, int Event);

/// <summary>
/// A labelled corpus of news as several providers write it: stories of a subject and an event, each told by three to
/// five providers with rewritten headlines (synonyms, passive voice, "to" futures, a question, the provider's name
/// tacked on) and excerpts of their own around the same facts; some related-item links between them; and look-alikes:
/// other stories of the same subject, or the same kind of event elsewhere, on the same days. Deterministic (a seed).
/// </summary>
public static class StoryCorpus
{
    private static readonly string[] Providers = ["Reuters", "BBC News", "The Guardian", "AP", "Le Monde", "Der Spiegel", "Ars Technica", "The Verge", "Bloomberg", "NPR"];

    private static readonly string[] Subjects =
    [
        "Italy", "Germany", "Japan", "Brazil", "Canada", "India", "Spain", "Kenya", "Norway", "Mexico", "Apple", "Microsoft",
        "Tesla", "Boeing", "Nvidia", "Amazon", "Samsung", "Airbus", "Toyota", "Siemens",
    ];

    /// <summary>(present, participle, base, object, detail sentence): an event a subject can be in.</summary>
    private static readonly (string[] Present, string[] Participle, string[] Base, string Object, string Detail)[] Events =
    [
        (["bans", "prohibits", "outlaws"], ["banned", "prohibited", "outlawed"], ["ban", "prohibit", "outlaw"], "facial recognition cameras", "regulators cited privacy risks for {n} million residents"),
        (["raises", "lifts", "increases"], ["raised", "lifted", "increased"], ["raise", "lift", "increase"], "retirement age to 67", "the pension reform affects {n} million workers"),
        (["recalls", "pulls back", "withdraws"], ["recalled", "pulled back", "withdrawn"], ["recall", "pull back", "withdraw"], "{n} thousand vehicles over brake faults", "owners were told the braking software can fail in cold weather"),
        (["cuts", "slashes", "reduces"], ["cut", "slashed", "reduced"], ["cut", "slash", "reduce"], "{n} hundred jobs in restructuring", "the layoffs hit the research and sales divisions hardest"),
        (["approves", "backs", "greenlights"], ["approved", "backed", "greenlit"], ["approve", "back", "greenlight"], "offshore wind farm worth {n} billion", "the turbines will power homes along the northern coast by 2030"),
        (["fines", "penalises", "sanctions"], ["fined", "penalised", "sanctioned"], ["fine", "penalise", "sanction"], "chip supplier over price fixing", "the competition authority set the penalty at {n} million euros"),
        (["launches", "unveils", "debuts"], ["launched", "unveiled", "debuted"], ["launch", "unveil", "debut"], "satellite internet service", "the constellation of {n} satellites covers rural regions first"),
        (["delays", "postpones", "pushes back"], ["delayed", "postponed", "pushed back"], ["delay", "postpone", "push back"], "high-speed rail line opening", "engineers found cracks in {n} viaduct pillars during inspection"),
        (["expands", "extends", "broadens"], ["expanded", "extended", "broadened"], ["expand", "extend", "broaden"], "parental leave to {n} weeks", "fathers will get a separate share of the leave"),
        (["acquires", "buys", "takes over"], ["acquired", "bought", "taken over"], ["acquire", "buy", "take over"], "battery startup for {n} million dollars", "the deal brings solid-state cell patents in house"),
        (["tightens", "toughens", "hardens"], ["tightened", "toughened", "hardened"], ["tighten", "toughen", "harden"], "rules on short-term rentals", "cities may cap rentals at {n} nights a year"),
        (["reports", "posts", "announces"], ["reported", "posted", "announced"], ["report", "post", "announce"], "record quarterly profit of {n} billion", "demand for data center hardware drove the results"),
    ];

    /// <summary>Builds the corpus: <paramref name="stories"/> stories and <paramref name="lookAlikes"/> single-article look-alikes.</summary>
    public static IReadOnlyList<LabelledArticle> Build(int stories = 80, int lookAlikes = 30, int seed = 20261207)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2026, 11, 1, 6, 0, 0, TimeSpan.Zero);
        var used = new HashSet<(int, int)>();
        var articles = new List<LabelledArticle>();
        for (var story = 0; story < stories + lookAlikes; story++)
        {
            (int Subject, int Event) pick;
            do
            {
                pick = (random.Next(Subjects.Length), random.Next(Events.Length));
            }
            while (!used.Add(pick));

            var number = random.Next(2, 90);
            var day = start.AddDays(random.Next(0, 20)).AddHours(random.Next(0, 12));
            var tellers = story < stories ? random.Next(3, 6) : 1; // look-alikes: one article each, sharing subject or event with stories
            var urls = new List<string>();
            foreach (var provider in Providers.OrderBy(_ => random.Next()).Take(tellers))
            {
                var url = $"https://{provider.ToLowerInvariant().Replace(' ', '-')}.example/{random.Next():x8}{random.Next():x8}";
                var related = urls.Count > 0 && random.Next(4) == 0 ? new[] { urls[random.Next(urls.Count)] } : [];
                articles.Add(new LabelledArticle(
                    Headline(random, Subjects[pick.Subject], Events[pick.Event], number, provider),
                    Excerpt(random, Subjects[pick.Subject], Events[pick.Event], number),
                    url, related, day.AddMinutes(random.Next(0, 600)), provider, story, Subjects[pick.Subject], pick.Event));
                urls.Add(url);
            }
        }

        return [.. articles.OrderBy(static a => a.Published)];
    }

    /// <summary>
    /// Pairwise precision and recall of a clustering: of the pairs put in one story, the share that are one story; of the
    /// pairs that are one story, the share put in one.
    /// </summary>
    public static (double Precision, double Recall) Score<T>(IReadOnlyList<LabelledArticle> corpus, IReadOnlyList<T> found)
    {
        var (truePairs, falsePairs, missedPairs) = (0, 0, 0);
        for (var i = 0; i < corpus.Count; i++)
        {
            for (var j = i + 1; j < corpus.Count; j++)
            {
                var same = corpus[i].Story == corpus[j].Story;
                var grouped = EqualityComparer<T>.Default.Equals(found[i], found[j]);
                truePairs += same && grouped ? 1 : 0;
                falsePairs += !same && grouped ? 1 : 0;
                missedPairs += same && !grouped ? 1 : 0;
            }
        }

        return ((double)truePairs / Math.Max(1, truePairs + falsePairs), (double)truePairs / Math.Max(1, truePairs + missedPairs));
    }

    private static string Headline(Random random, string subject, (string[] Present, string[] Participle, string[] Base, string Object, string Detail) e, int number, string provider)
    {
        var verb = random.Next(e.Present.Length);
        var what = e.Object.Replace("{n}", number.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var headline = random.Next(5) switch
        {
            0 => $"{subject} {e.Present[verb]} {what}",
            1 => $"{Capitalise(what)} {e.Participle[verb]} by {subject}",
            2 => $"{subject} to {e.Base[verb]} {what}",
            3 => $"Why {subject} {e.Present[verb]} {what}",
            _ => $"{subject} {e.Present[verb]} {what}, officials say",
        };
        return random.Next(3) == 0 ? $"{headline} - {provider}" : headline;
    }

    private static string Excerpt(Random random, string subject, (string[] Present, string[] Participle, string[] Base, string Object, string Detail) e, int number)
    {
        var detail = e.Detail.Replace("{n}", number.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        return random.Next(3) switch
        {
            0 => $"{Capitalise(detail)}, according to {subject}'s announcement on Monday.",
            1 => $"In a move expected for weeks, {subject} acted: {detail}.",
            _ => $"{Capitalise(detail)}. Critics in {subject} called the decision overdue.",
        };
    }

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
