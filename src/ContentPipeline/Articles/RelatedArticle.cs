using System.Text.Json.Nodes;

namespace ContentPipeline.Articles;

/// <summary>An article related to another one.</summary>
public sealed record RelatedArticle
{
    /// <summary>The headline.</summary>
    public required string Title { get; init; }

    /// <summary>A short summary.</summary>
    public string? Excerpt { get; init; }

    /// <summary>When it was published, in UTC.</summary>
    public DateTimeOffset? PublishedDateTime { get; init; }

    /// <summary>Where readers are sent.</summary>
    public required string WebUrl { get; init; }

    /// <summary>The kind of item.</summary>
    public string? Type { get; init; }

    /// <summary>The publisher.</summary>
    public ArticleProvider? Provider { get; init; }

    /// <summary>An editorial quality score.</summary>
    public int? Quality { get; init; }

    /// <summary>Images of the related article.</summary>
    public IReadOnlyList<ArticleImage> Images { get; init; } = [];

    /// <summary>Fields the model does not know.</summary>
    public JsonObject? Extensions { get; init; }
}
