using ContentPipeline.Articles;

namespace ContentPipeline.Storage;

/// <summary>
/// What a conditional lookup needs to answer 304: an article's version and what decides its state, read without its
/// text (<see cref="ArticleStore.GetStampAsync"/>).
/// </summary>
public sealed record ArticleStamp(long Version, bool Published, DateTimeOffset? PublishAt, DateTimeOffset? ExpiresAt, bool TakenDown, bool Removed)
{
    /// <summary>The article's state at <paramref name="now"/>, as <see cref="StoredArticle.StateAt"/> gives it.</summary>
    public ArticleState StateAt(DateTimeOffset now) =>
        TakenDown ? ArticleState.TakenDown : Removed ? ArticleState.Removed : ArticleStates.At(Published, PublishAt, ExpiresAt, now);
}
