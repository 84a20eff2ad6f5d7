using System.Text.Json.Nodes;

namespace ContentPipeline.Articles;

/// <summary>The publisher of an article.</summary>
public sealed record ArticleProvider
{
    /// <summary>Display name, for example <c>IET</c>.</summary>
    public string? Name { get; init; }

    /// <summary>Domain, for example <c>theiet.org</c>.</summary>
    public string? Domain { get; init; }

    /// <summary>Fields the model does not know.</summary>
    public JsonObject? Extensions { get; init; }
}
