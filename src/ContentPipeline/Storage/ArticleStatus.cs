namespace ContentPipeline.Storage;

/// <summary>Which articles a list shows.</summary>
public enum ArticleStatus
{
    /// <summary>Published articles only (the only status anonymous callers get).</summary>
    Published,

    /// <summary>Drafts only.</summary>
    Draft,

    /// <summary>Published articles whose embargo has not passed.</summary>
    Scheduled,

    /// <summary>Published articles whose expiry has passed.</summary>
    Expired,

    /// <summary>Articles taken down by an editor.</summary>
    TakenDown,

    /// <summary>Every article but removed ones, newest first.</summary>
    All,
}
