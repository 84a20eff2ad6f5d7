using System.Text.Json.Nodes;

namespace ContentPipeline.Articles;

/// <summary>An image of an article.</summary>
public sealed record ArticleImage
{
    /// <summary>Absolute http(s) URL of the image.</summary>
    public required string Url { get; init; }

    /// <summary>Width in pixels.</summary>
    public int? Width { get; init; }

    /// <summary>Height in pixels.</summary>
    public int? Height { get; init; }

    /// <summary>Whether the image is cached by the source system.</summary>
    public bool? IsCached { get; init; }

    /// <summary>Fields the model does not know.</summary>
    public JsonObject? Extensions { get; init; }
}
