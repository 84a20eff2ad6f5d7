using Ganss.Xss;
using Markdig;

namespace ContentPipeline.Rendering;

/// <summary>
/// Renders an article's Markdown body as HTML that is safe to put in a page or a feed: Markdig (CommonMark, with pipe
/// tables, strikethrough and autolinks) with raw HTML disabled, so HTML written in the body shows as text; then
/// HtmlSanitizer, so nothing executable survives a link or an image (only http, https and mailto URLs, no event
/// handlers, no styles). Runs once per change of an article, at ingest; the API and the feeds serve the result.
/// </summary>
public sealed class ArticleHtmlRenderer
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .Build();

    private readonly HtmlSanitizer _sanitizer;

    /// <summary>Creates the renderer (thread-safe once created).</summary>
    public ArticleHtmlRenderer()
    {
        _sanitizer = new HtmlSanitizer();
        _sanitizer.AllowedSchemes.Clear();
        _sanitizer.AllowedSchemes.UnionWith(["http", "https", "mailto"]);
        _sanitizer.AllowedAttributes.Remove("style");
        _sanitizer.AllowedAttributes.Remove("class");
        _sanitizer.AllowedAttributes.Remove("id");
        _sanitizer.AllowedTags.ExceptWith(["form", "input", "button", "select", "textarea", "option", "optgroup", "label", "fieldset", "legend"]);
        _sanitizer.PostProcessNode += static (_, e) =>
        {
            // Links lead away from the site: no referrer, no access to the opener, no endorsement.
            if (e.Node is AngleSharp.Dom.IElement { LocalName: "a" } link && link.HasAttribute("href"))
            {
                link.SetAttribute("rel", "nofollow noopener noreferrer");
            }
        };
    }

    /// <summary>The body as sanitised HTML; null when there is no body.</summary>
    public string? Render(string? markdown) =>
        string.IsNullOrWhiteSpace(markdown) ? null : _sanitizer.Sanitize(Markdown.ToHtml(markdown, Pipeline)).Trim();
}
