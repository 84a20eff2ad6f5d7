using ContentPipeline.Articles;
using ContentPipeline.Changes;

namespace ContentPipeline.Webhooks;

/// <summary>The events an endpoint may subscribe to, and which change of the change log is which.</summary>
public static class WebhookEvents
{
    /// <summary>An article entered the published set (readers see it).</summary>
    public const string Published = "article.published";
    /// <summary>An editor unpublished an article (or its file did).</summary>
    public const string Unpublished = "article.unpublished";
    /// <summary>An article was scheduled: published from its publishAt on.</summary>
    public const string Scheduled = "article.scheduled";
    /// <summary>An article passed its expiresAt.</summary>
    public const string Expired = "article.expired";
    /// <summary>An editor took an article down.</summary>
    public const string TakenDown = "article.taken-down";
    /// <summary>A takedown was lifted.</summary>
    public const string Restored = "article.restored";
    /// <summary>An article's file was deleted.</summary>
    public const string Removed = "article.removed";
    /// <summary>A feed run wrote feed files.</summary>
    public const string FeedsChanged = "feeds.changed";

    /// <summary>Every event, as endpoints name them.</summary>
    public static IReadOnlyList<string> All { get; } = [Published, Unpublished, Scheduled, Expired, TakenDown, Restored, Removed, FeedsChanged];

    /// <summary>The event a change is, or null when it is none (a published article edited, a draft saved).</summary>
    public static string? Of(ArticleChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.From == ArticleState.TakenDown && change.To is not (ArticleState.TakenDown or ArticleState.Removed))
        {
            return Restored;
        }

        return change.To switch
        {
            ArticleState.Published when change.From != ArticleState.Published => Published,
            ArticleState.Draft when change.From is ArticleState.Published or ArticleState.Scheduled or ArticleState.Expired => Unpublished,
            ArticleState.Scheduled when change.From != ArticleState.Scheduled => Scheduled,
            ArticleState.Expired when change.From != ArticleState.Expired => Expired,
            ArticleState.TakenDown when change.From != ArticleState.TakenDown => TakenDown,
            ArticleState.Removed when change.From is not null and not ArticleState.Removed => Removed,
            _ => null,
        };
    }
}
