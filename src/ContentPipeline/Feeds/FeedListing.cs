using System.Text.Json;
using ContentPipeline.Articles;

namespace ContentPipeline.Feeds;

/// <summary>
/// <c>index.json</c>: every published feed, the overall one first, then categories and topics by slug. A run that
/// regenerates some feeds changes their entries and keeps the others as the previous run listed them.
/// </summary>
internal sealed record FeedListing(string Title, IReadOnlyList<FeedListingEntry> Feeds)
{
    private static readonly JsonSerializerOptions Json = new(ArticleJson.WebOptions) { WriteIndented = true };

    public static FeedListing? Parse(BinaryData content)
    {
        try
        {
            return content.ToObjectFromJson<FeedListing>(Json) is { Feeds: not null } listing ? listing : null;
        }
        catch (JsonException)
        {
            return null; // not one a run wrote: the next run rewrites it whole
        }
    }

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>This listing with <paramref name="published"/> entries put in and the feeds at <paramref name="removed"/> (base paths) taken out.</summary>
    public FeedListing With(IEnumerable<FeedListingEntry> published, IEnumerable<string> removed)
    {
        var entries = Feeds.ToDictionary(BasePathOf, StringComparer.Ordinal);
        foreach (var path in removed)
        {
            entries.Remove(path);
        }

        foreach (var entry in published)
        {
            entries[BasePathOf(entry)] = entry;
        }

        return this with
        {
            Feeds = entries.Values
                .OrderBy(static e => Enum.Parse<FeedKind>(e.Kind, ignoreCase: true))
                .ThenBy(static e => e.Slug, StringComparer.Ordinal)
                .ToList(),
        };
    }

    private static string BasePathOf(FeedListingEntry entry) =>
        new FeedDefinition(Enum.Parse<FeedKind>(entry.Kind, ignoreCase: true), entry.Name, entry.Slug).BasePath;
}
