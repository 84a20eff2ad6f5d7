using System.Globalization;
using ContentPipeline.Articles;

namespace ContentPipeline.Storage;

/// <summary>
/// The index partitions. Every list the API and the feeds serve is one partition read newest first:
/// <list type="bullet">
/// <item><c>published</c>: every published article;</item>
/// <item><c>published|category|{slug}</c>, <c>published|topic|{slug}</c>, <c>published|provider|{slug}</c>;</item>
/// <item><c>drafts</c>: every unpublished article, for editors.</item>
/// </list>
/// RowKeys are <c>{inverted publication ticks, 19 digits}|{id}</c>, so ascending RowKey order is newest first.
/// </summary>
public static class IndexPartitions
{
    /// <summary>All published articles.</summary>
    public const string Published = "published";

    /// <summary>All drafts.</summary>
    public const string Drafts = "drafts";

    private const char Separator = '|';

    /// <summary>Published articles of one category.</summary>
    public static string Category(string slug) => $"{Published}{Separator}category{Separator}{slug}";

    /// <summary>Published articles of one topic.</summary>
    public static string Topic(string slug) => $"{Published}{Separator}topic{Separator}{slug}";

    /// <summary>Published articles of one provider (by domain, else name).</summary>
    public static string Provider(string slug) => $"{Published}{Separator}provider{Separator}{slug}";

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

    /// <summary>Every index entry key an article should have, given its effective publish state.</summary>
    public static IReadOnlyList<IndexKey> For(Article article)
    {
        ArgumentNullException.ThrowIfNull(article);
        var row = RowKey(article.PublishedDateTime, article.Id);
        if (!article.Published)
        {
            return [new IndexKey(Drafts, row)];
        }

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

        return partitions.Distinct(StringComparer.Ordinal).Select(p => new IndexKey(p, row)).ToList();
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
