using System.ComponentModel.DataAnnotations;
using System.Globalization;
using ContentPipeline.Articles;

namespace ContentPipeline.Sitemaps;

/// <summary>Settings of the sitemaps the feed run writes beside the feeds (section <c>Sitemaps</c>).</summary>
public sealed class SitemapOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Sitemaps";

    /// <summary>The placeholder of <see cref="ArticleUrlTemplate"/> that becomes the article's id.</summary>
    public const string IdPlaceholder = "{id}";

    /// <summary>The sitemap protocol's limit of URLs per file.</summary>
    public const int ProtocolMaxUrls = 50_000;

    /// <summary>Google's limit of articles in a news sitemap.</summary>
    public const int NewsMaxItemsLimit = 1000;

    /// <summary>Whether the feed run writes <c>sitemap.xml</c> and <c>news-sitemap.xml</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The address of an article on your site, with <c>{id}</c> for its id (for example
    /// <c>https://news.example.com/articles/{id}</c>), when a front end serves the articles on pages of its own. Empty:
    /// each article's <c>webUrl</c>, where readers are sent.
    /// </summary>
    public string? ArticleUrlTemplate { get; set; }

    /// <summary>URLs per sitemap file; past it, <c>sitemap.xml</c> becomes a sitemap index of numbered files.</summary>
    [Range(1, ProtocolMaxUrls)]
    public int MaxUrlsPerFile { get; set; } = ProtocolMaxUrls;

    /// <summary>Most articles in the news sitemap, newest first (Google News reads at most 1,000).</summary>
    [Range(1, NewsMaxItemsLimit)]
    public int NewsMaxItems { get; set; } = NewsMaxItemsLimit;

    /// <summary>The publication's name in the news sitemap (as Google News knows it); default: the feeds' title.</summary>
    public string? PublicationName { get; set; }

    /// <summary>The publication's language in the news sitemap: an ISO 639 code (<c>en</c>, <c>fr</c>), or <c>zh-cn</c> / <c>zh-tw</c>.</summary>
    [Required]
    [RegularExpression("^([a-z]{2,3}|zh-cn|zh-tw)$")]
    public string PublicationLanguage { get; set; } = "en";

    /// <summary>The address of article <paramref name="id"/> in the sitemaps, or null when it has none a sitemap may list.</summary>
    public Uri? ArticleUrl(string id, string webUrl)
    {
        var text = ArticleUrlTemplate is { Length: > 0 } template ? template.Replace(IdPlaceholder, id, StringComparison.Ordinal) : webUrl;
        return Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp) ? url : null;
    }

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ArticleUrlTemplate is not { Length: > 0 } template)
        {
            yield break;
        }

        if (!template.Contains(IdPlaceholder, StringComparison.Ordinal) || ArticleUrl(new string('0', ArticleId.Length), string.Empty) is null)
        {
            yield return new ValidationResult(
                string.Create(CultureInfo.InvariantCulture, $"Sitemaps:ArticleUrlTemplate must be an absolute http(s) URL containing {IdPlaceholder}."),
                [nameof(ArticleUrlTemplate)]);
        }
    }
}
