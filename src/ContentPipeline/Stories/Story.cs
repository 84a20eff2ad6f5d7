using System.Security.Cryptography;
using System.Text;
using ContentPipeline.Storage;

namespace ContentPipeline.Stories;

/// <summary>
/// A story: the articles that tell the same news, from one provider or several. Its lead is the article of highest
/// quality, then the earliest; its sources are its distinct providers (an article without one counts as its own).
/// </summary>
/// <param name="Id">The story id (20 lowercase hex characters: the id of the article that started it, or derived on a split).</param>
/// <param name="Members">Its articles.</param>
/// <param name="ETag">The stored row's version (null for one not stored yet): what editors' If-Match names.</param>
public sealed record Story(string Id, IReadOnlyList<StoryMember> Members, string? ETag)
{
    /// <summary>The lead article's id.</summary>
    public string LeadId => Lead(Members).ArticleId;

    /// <summary>
    /// Its HTTP entity tag (quoted): a digest of the stored row's version, which changes with every change of its members.
    /// What editors name in <c>If-Match</c> to split or merge it. Null for a story not stored yet.
    /// </summary>
    public string? Tag => ETag is null ? null : $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ETag)).AsSpan(0, 10))}\"";

    /// <summary>How many distinct sources cover it.</summary>
    public int Sources => SourcesOf(Members);

    /// <summary>How many distinct sources of the articles shown to readers cover it.</summary>
    public int ShownSources => SourcesOf(Members.Where(static m => m.Shown));

    /// <summary>The lead of <paramref name="members"/>: highest quality, then earliest, then lowest id.</summary>
    public static StoryMember Lead(IEnumerable<StoryMember> members) =>
        members.OrderByDescending(static m => m.Quality ?? 0).ThenBy(static m => m.Published).ThenBy(static m => m.ArticleId, StringComparer.Ordinal).First();

    /// <summary>The lead of the articles a caller sees, by the same rule.</summary>
    public static ArticleSummary Lead(IEnumerable<ArticleSummary> shown) =>
        shown.OrderByDescending(static s => s.Quality ?? 0).ThenBy(static s => s.PublishedDateTime).ThenBy(static s => s.Id, StringComparer.Ordinal).First();

    /// <summary>The distinct sources of <paramref name="members"/>.</summary>
    public static int SourcesOf(IEnumerable<StoryMember> members) =>
        members.Select(static m => m.Provider ?? $"article:{m.ArticleId}").Distinct(StringComparer.OrdinalIgnoreCase).Count();

    /// <summary>Whether <paramref name="articleId"/> is one of its articles.</summary>
    public bool Holds(string articleId) => Members.Any(m => m.ArticleId == articleId);

    /// <summary>This story with <paramref name="member"/> added, or put in place of its earlier entry.</summary>
    public Story With(StoryMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return this with { Members = [.. Members.Where(m => m.ArticleId != member.ArticleId), member] };
    }

    /// <summary>This story without <paramref name="articleId"/>.</summary>
    public Story Without(string articleId) => this with { Members = [.. Members.Where(m => m.ArticleId != articleId)] };
}
