namespace ContentPipeline.Storage;

/// <summary>Which articles a list shows.</summary>
public enum ArticleStatus
{
    /// <summary>Published articles only (the only status anonymous callers get).</summary>
    Published,

    /// <summary>Drafts only.</summary>
    Draft,

    /// <summary>Published articles and drafts, newest first.</summary>
    All,
}
