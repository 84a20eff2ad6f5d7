using System.Globalization;
using ContentPipeline.Articles;

namespace ContentPipeline.Storage;

/// <summary>
/// The partitions of the index table. Every list the API and the feeds serve is one partition read newest first:
/// <list type="bullet">
/// <item><c>published</c>: every published article;</item>
/// <item><c>published|category|{slug}</c>, <c>published|topic|{slug}</c>, <c>published|provider|{slug}</c>;</item>
/// <item><c>drafts</c>: every unpublished article, for editors.</item>
/// </list>
/// RowKeys of lists are <c>{inverted publication ticks, 19 digits}|{id}</c>, so ascending RowKey order is newest first.
/// Beside the lists: <c>catalog</c>, one row per published list (RowKey = the list's partition), written whenever that
/// list changes, so its Timestamp says when; and <c>pending</c>, one row per save whose index update is under way.
/// </summary>
public static class IndexPartitions
{
    /// <summary>All published articles.</summary>
    public const string Published = "published";

    /// <summary>All drafts.</summary>
    public const string Drafts = "drafts";

    /// <summary>Published articles whose embargo has not passed yet, for editors.</summary>
    public const string Scheduled = "scheduled";

    /// <summary>Published articles whose expiry has passed, for editors.</summary>
    public const string Expired = "expired";

    /// <summary>Articles taken down by an editor, for editors.</summary>
    public const string TakenDown = "takendown";

    /// <summary>
    /// The next change of state each article's clock holds (an embargo ending, an expiry), soonest first:
    /// RowKey <c>{due ticks:D19}|{id}</c>. What the transitions timer reads.
    /// </summary>
    public const string Due = "due";

    /// <summary>The published lists that exist, each with the time it last changed (its row's Timestamp).</summary>
    public const string Catalog = "catalog";

    /// <summary>Saves whose index update is under way (or was cut short): what repair mends.</summary>
    public const string Pending = "pending";

    /// <summary>
    /// The change log: one row per change of an article's state or of a published article, in the order they were
    /// written (RowKey <c>{ticks:D19}|{id}|{version}</c>). What the sync API and the webhooks read.
    /// </summary>
    public const string Changes = "changes";

    private const char Separator = '|';
    private const string CategoryName = "category";
    private const string TopicName = "topic";
    private const string ProviderName = "provider";

    /// <summary>Published articles of one category.</summary>
    public static string Category(string slug) => $"{Published}{Separator}{CategoryName}{Separator}{slug}";

    /// <summary>Published articles of one topic.</summary>
    public static string Topic(string slug) => $"{Published}{Separator}{TopicName}{Separator}{slug}";

    /// <summary>Published articles of one provider (by domain, else name).</summary>
    public static string Provider(string slug) => $"{Published}{Separator}{ProviderName}{Separator}{slug}";

    /// <summary>The partition of a published list: all published articles, or those matching <paramref name="filter"/>.</summary>
    public static string Of(ArticleFilter? filter) => filter switch
    {
        null => Published,
        { Kind: ArticleFilterKind.Category } => Category(filter.Slug),
        { Kind: ArticleFilterKind.Topic } => Topic(filter.Slug),
        _ => Provider(filter.Slug),
    };

    /// <summary>
    /// The published list a partition holds: true with a null filter for <c>published</c>, true with its filter for a
    /// category, topic or provider list, false for anything else (drafts, the catalog, pending).
    /// </summary>
    public static bool TryParseList(string partition, out ArticleFilter? filter)
    {
        ArgumentNullException.ThrowIfNull(partition);
        filter = null;
        if (partition == Published)
        {
            return true;
        }

        if (partition.Split(Separator) is not [Published, var kind, var slug] || slug.Length == 0)
        {
            return false;
        }

        filter = kind switch
        {
            CategoryName => new ArticleFilter(ArticleFilterKind.Category, slug),
            TopicName => new ArticleFilter(ArticleFilterKind.Topic, slug),
            ProviderName => new ArticleFilter(ArticleFilterKind.Provider, slug),
            _ => null,
        };
        return filter is not null;
    }

    /// <summary>The RowKey that orders an article newest first.</summary>
    public static string RowKey(DateTimeOffset published, string id) =>
        string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.MaxValue.UtcTicks - published.UtcTicks:D19}{Separator}{id}");

    /// <summary>Whether <paramref name="value"/> has the shape of <see cref="RowKey"/>: 19 digits, the separator, an article id.</summary>
    public static bool IsRowKey(string? value) =>
        value is { Length: 20 + ArticleId.Length } && value[19] == Separator && !value.AsSpan(0, 19).ContainsAnyExceptInRange('0', '9')
        && ArticleId.IsWellFormed(value[20..]);

    /// <summary>The slug an article's provider is indexed under, or <see langword="null"/>.</summary>
    public static string? ProviderSlug(ArticleProvider? provider)
    {
        var name = string.IsNullOrWhiteSpace(provider?.Domain) ? provider?.Name : provider.Domain;
        var slug = name is null ? string.Empty : Slug.From(name);
        return slug.Length == 0 ? null : slug;
    }

    /// <summary>The partition that lists articles in <paramref name="state"/> for editors (none for a removed article).</summary>
    public static string? Of(ArticleState state) => state switch
    {
        ArticleState.Draft => Drafts,
        ArticleState.Scheduled => Scheduled,
        ArticleState.Published => Published,
        ArticleState.Expired => Expired,
        ArticleState.TakenDown => TakenDown,
        _ => null,
    };

    /// <summary>The state whose editors' list <paramref name="partition"/> is (the inverse of <see cref="Of(ArticleState)"/>), or null.</summary>
    public static ArticleState? StateOf(string partition) => partition switch
    {
        Drafts => ArticleState.Draft,
        Scheduled => ArticleState.Scheduled,
        Published => ArticleState.Published,
        Expired => ArticleState.Expired,
        TakenDown => ArticleState.TakenDown,
        _ => null,
    };

    /// <summary>
    /// The state an article's index keys show (the editors' list among them); <see cref="ArticleState.Removed"/> when
    /// they hold none (a removed article is in no list).
    /// </summary>
    public static ArticleState StateOf(IEnumerable<IndexKey> keys) => ListedStateOf(keys) ?? ArticleState.Removed;

    /// <summary>The state of the editors' list among <paramref name="keys"/>, or null when they hold none.</summary>
    public static ArticleState? ListedStateOf(IEnumerable<IndexKey> keys) =>
        keys.Select(static k => StateOf(k.PartitionKey)).FirstOrDefault(static s => s is not null);

    /// <summary>The key of the entry that wakes the transitions timer for an article at <paramref name="due"/>.</summary>
    public static IndexKey DueKey(DateTimeOffset due, string id) =>
        new(Due, string.Create(CultureInfo.InvariantCulture, $"{due.UtcTicks:D19}{Separator}{id}"));

    /// <summary>
    /// Every index key an article should have at <paramref name="now"/>: the lists of its state (a published article is
    /// in the overall list and those of its category, topics and provider), and the entry for its next change of state
    /// by the clock, if any.
    /// </summary>
    public static IReadOnlyList<IndexKey> For(StoredArticle stored, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return stored.StateAt(now) switch
        {
            ArticleState.TakenDown => [new IndexKey(TakenDown, RowKey(stored.Article.PublishedDateTime, stored.Article.Id))],
            ArticleState.Removed => [],
            _ => For(stored.Article, now),
        };
    }

    /// <summary>The index keys of an article that is neither taken down nor removed (see the overload).</summary>
    public static IReadOnlyList<IndexKey> For(Article article, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(article);
        var state = article.StateAt(now);
        var row = RowKey(article.PublishedDateTime, article.Id);
        var keys = new List<IndexKey>();
        if (state == ArticleState.Published)
        {
            var partitions = new List<string> { Published };
            AddSlug(partitions, Category, article.Category);
            foreach (var topic in article.Topics)
            {
                AddSlug(partitions, Topic, topic);
            }

            if (ProviderSlug(article.Provider) is { } provider)
            {
                partitions.Add(Provider(provider));
            }

            keys.AddRange(partitions.Distinct(StringComparer.Ordinal).Select(p => new IndexKey(p, row)));
        }
        else if (Of(state) is { } list)
        {
            keys.Add(new IndexKey(list, row));
        }

        if (state is ArticleState.Scheduled or ArticleState.Published && article.NextChange(now) is { } due)
        {
            keys.Add(DueKey(due, article.Id));
        }

        return keys;
    }

    private static void AddSlug(List<string> partitions, Func<string, string> partition, string name)
    {
        var slug = Slug.From(name);
        if (slug.Length > 0)
        {
            partitions.Add(partition(slug));
        }
    }
}
