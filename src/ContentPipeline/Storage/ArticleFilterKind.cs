namespace ContentPipeline.Storage;

/// <summary>The dimension a list of published articles is filtered by.</summary>
public enum ArticleFilterKind
{
    /// <summary>By category.</summary>
    Category,

    /// <summary>By topic.</summary>
    Topic,

    /// <summary>By provider (domain, else name).</summary>
    Provider,
}
