using System.Globalization;
using System.Text;

namespace ContentPipeline.IntegrationTests.Infrastructure;

/// <summary>Builds article files like the seeds, with the fields a test cares about.</summary>
public sealed record ArticleText
{
    public string Url { get; init; } = $"https://example.org/news/{Guid.NewGuid():N}";

    public string Title { get; init; } = "A headline";

    /// <summary>Names a figure of its own, so that default articles tell stories of their own rather than one story.</summary>
    public string Excerpt { get; init; } = $"An excerpt, case {Random.Shared.Next(1_000_000, 10_000_000)}.";

    public int Heat { get; init; } = 3;

    public string Category { get; init; } = "news";

    public DateTimeOffset Published { get; init; } = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    public bool IsPublished { get; init; }

    /// <summary>The embargo (<c>publishAt</c>), if any.</summary>
    public DateTimeOffset? PublishAt { get; init; }

    /// <summary>The expiry (<c>expiresAt</c>), if any.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    public IReadOnlyList<string> Topics { get; init; } = ["AI", "Computer Vision"];

    public string ProviderName { get; init; } = "Example News";

    public string ProviderDomain { get; init; } = "example.org";

    public string? Body { get; init; }

    public int Quality { get; init; } = 50;

    /// <summary>Related items' URLs (each written with a title and a provider).</summary>
    public IReadOnlyList<string> Related { get; init; } = [];

    public string Secured { get; init; } = "c2VjcmV0+/==;aXY=";

    public string Render()
    {
        var text = new StringBuilder()
            .AppendLine("---")
            .AppendLine(CultureInfo.InvariantCulture, $"category: {Category}")
            .AppendLine(CultureInfo.InvariantCulture, $"title: \"{Title.Replace("\"", "\\\"", StringComparison.Ordinal)}\"")
            .AppendLine(CultureInfo.InvariantCulture, $"excerpt: \"{Excerpt.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"")
            .AppendLine(CultureInfo.InvariantCulture, $"publishedDateTime: {Published.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}")
            .AppendLine(CultureInfo.InvariantCulture, $"originalUrl: \"{Url}\"")
            .AppendLine(CultureInfo.InvariantCulture, $"webUrl: \"{Url}\"")
            .AppendLine("type: article")
            .AppendLine(CultureInfo.InvariantCulture, $"quality: {Quality}")
            .AppendLine(CultureInfo.InvariantCulture, $"heat: {Heat}")
            .AppendLine(CultureInfo.InvariantCulture, $"published: {(IsPublished ? "true" : "false")}")
            .Append(PublishAt is { } from ? string.Create(CultureInfo.InvariantCulture, $"publishAt: {from.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\n") : string.Empty)
            .Append(ExpiresAt is { } until ? string.Create(CultureInfo.InvariantCulture, $"expiresAt: {until.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\n") : string.Empty)
            .AppendLine("provider:")
            .AppendLine(CultureInfo.InvariantCulture, $"  name: {ProviderName}")
            .AppendLine(CultureInfo.InvariantCulture, $"  domain: {ProviderDomain}")
            .AppendLine("topics:");
        foreach (var topic in Topics)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  - {topic}");
        }

        if (Related.Count > 0)
        {
            text.AppendLine("related:");
            foreach (var url in Related)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  - title: \"Related\"")
                    .AppendLine(CultureInfo.InvariantCulture, $"    webUrl: \"{url}\"");
            }
        }

        text.AppendLine("images:")
            .AppendLine("  - url: \"https://example.org/image.jpg\"")
            .AppendLine("    width: 1200")
            .AppendLine("    height: 450")
            .AppendLine("    isCached: true")
            .AppendLine(CultureInfo.InvariantCulture, $"secured: \"{Secured}\"")
            .AppendLine("---");
        if (Body is not null)
        {
            text.Append(Body);
        }

        return text.ToString();
    }

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(Render());
}
