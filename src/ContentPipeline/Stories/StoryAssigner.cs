using ContentPipeline.Articles;
using ContentPipeline.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ContentPipeline.Stories;

/// <summary>
/// Puts each ingested article into a story (<see cref="StoryClusterer"/>'s rule, with the keys in their own table):
/// an article already in one stays there (a new upload of its file changes only its entry: quality, provider); a new
/// one files itself under each of its few keys, reading there the newest <see cref="StoryClusterer.CandidatesPerKey"/>
/// articles filed before it, and joins the story of the closest that tells the same news, else starts its own. Cost of
/// a new article that joins a story: a read and a write per key, one read of the candidate's membership, a story read,
/// and one transaction for the story and its members' rows. One that starts a story: a read and a write per key, the
/// candidates' memberships, the story added with its row; and when a match filed before it had no story yet (being
/// assigned at that moment), a few reads of that one's membership until it has one, so two articles of one story
/// ingested at the same moment on two instances still end up together. Stories an editor touched (a pinned member) are never merged
/// that way.
/// </summary>
public sealed partial class StoryAssigner(StoryStore store, StoryDirectory directory, TimeProvider time, IOptions<StoryOptions> options, ILogger<StoryAssigner> logger)
{
    private const int Attempts = 32;
    private const int Looks = 3;
    private static readonly TimeSpan PeerPauseCap = TimeSpan.FromMilliseconds(500);

    /// <summary>How often an instance deletes the key rows too old to be candidates.</summary>
    public static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    /// <summary>How long key rows are kept after they are written: twice the window, so no article within it misses its candidates.</summary>
    public static readonly TimeSpan KeysKeptFor = StoryClusterer.Window * 2;

    private readonly StoryOptions _options = options.Value;

    // Writes of one story by this instance take turns (a story many articles join at once).
    private readonly Turns _turns = new();
    private long _prunedAtTicks;

    /// <summary>The fingerprint the clustering compares of <paramref name="article"/>.</summary>
    public static StoryFingerprint FingerprintOf(Article article)
    {
        ArgumentNullException.ThrowIfNull(article);
        return StoryFingerprint.Of(article.Title, article.Excerpt, article.WebUrl, article.Related.Select(static r => r.WebUrl), article.PublishedDateTime);
    }

    /// <summary>What a story keeps of <paramref name="article"/>, shown to readers or not.</summary>
    public static StoryMember MemberOf(Article article, bool shown, bool pinned = false)
    {
        ArgumentNullException.ThrowIfNull(article);
        return new StoryMember(article.Id, ProviderOf(article.Provider), article.Quality, article.PublishedDateTime, pinned, shown);
    }

    /// <summary>The source a provider counts as (its domain, else its name, lowercased, at most <see cref="StoryMember.MaxProviderLength"/> characters).</summary>
    public static string? ProviderOf(ArticleProvider? provider) =>
        (provider?.Domain ?? provider?.Name)?.Trim().ToLowerInvariant() is { Length: > 0 } source ? source[..Math.Min(source.Length, StoryMember.MaxProviderLength)] : null;

    /// <summary>Puts a stored article into its story (see <see cref="AssignAsync(Article, bool, bool, CancellationToken)"/>).</summary>
    public Task<StoryMembership?> AssignAsync(StoredArticle stored, bool created, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return AssignAsync(stored.Article, IsShown(stored), created, cancellationToken);
    }

    /// <summary>
    /// Puts <paramref name="article"/> into its story (see the type); returns its membership (null when stories are off).
    /// <paramref name="shown"/>: readers see it now (what their source counts count). <paramref name="created"/>: the
    /// article was stored for the first time just now, so it is in no story yet (its membership is not read).
    /// </summary>
    public async Task<StoryMembership?> AssignAsync(Article article, bool shown, bool created, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(article);
        if (!_options.Enabled)
        {
            return null;
        }

        // Filed under its keys first (what was filed there before it are its candidates): should the rest fail, the
        // trigger's retry files it again; an article that finds it meanwhile, with no story yet, waits for it a moment.
        var fingerprint = FingerprintOf(article);
        var candidates = await store.FileAsync(article.Id, fingerprint, cancellationToken).ConfigureAwait(false);

        var existing = created ? null : await store.GetMembershipAsync(article.Id, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            // Stays where it is (an editor's placement included); its entry follows its quality, provider and visibility.
            var kept = await PlaceAsync(existing.StoryId, [MemberOf(article, shown, existing.Pinned)], create: existing.Sources == 0, cancellationToken).ConfigureAwait(false);
            if (kept is not null)
            {
                // Alone in a story no editor touched: a try cut short after starting it, or a match that was still being
                // assigned for longer than it waited, left it there, maybe apart from its news. Its retry (or a new
                // upload) joins the stories of its matches, and mends that.
                return Done(article.Id, kept.Members.Count == 1 && !existing.Pinned ? await LookAgainAsync(article.Id, fingerprint, kept, candidates, cancellationToken).ConfigureAwait(false) : kept);
            }
        }

        var member = MemberOf(article, shown);
        Story? story = null;
        IReadOnlyList<string> inFlight = [];
        for (var look = 0; look < Looks; look++)
        {
            // A story found may be merged away before the article gets into it: it looks again (the matches' stories now).
            (var found, inFlight) = await FindStoryAsync(article.Id, fingerprint, candidates, cancellationToken).ConfigureAwait(false);
            if (found is null || (story = await PlaceAsync(found, [member], create: false, cancellationToken).ConfigureAwait(false)) is not null)
            {
                break;
            }
        }

        story ??= await StartAsync(member, cancellationToken).ConfigureAwait(false);
        return Done(article.Id, inFlight.Count == 0 ? story : await AwaitPeersAsync(article.Id, story, inFlight, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// After an article started or joined <paramref name="story"/> while closer matches filed before it had no story yet
    /// (<paramref name="inFlight"/>: being assigned at this moment, on this instance or another): waits for theirs (reads
    /// 20 ms apart, doubling, for <see cref="StoryOptions.PeerWait"/> at most), then the story with the lowest id takes
    /// them all. Of two articles filed under one key, the later always sees the earlier (a key's row is replaced only as
    /// read), so of any two, one waits for the other, and when both do, both decide the same way. One that has no story
    /// when the wait ends (cut short, or slower than that) is logged; whichever of the two is assigned again (a retry, a
    /// new upload) joins the other's story.
    /// </summary>
    private async Task<Story> AwaitPeersAsync(string articleId, Story story, IReadOnlyList<string> inFlight, CancellationToken cancellationToken)
    {
        var stories = new HashSet<string>(StringComparer.Ordinal);
        var waiting = inFlight;
        var waited = TimeSpan.Zero;
        for (var attempt = 0; ; attempt++)
        {
            var rows = await Task.WhenAll(waiting.Select(async id => (Id: id, Row: await store.GetMembershipRowAsync(id, cancellationToken).ConfigureAwait(false)))).ConfigureAwait(false);
            stories.UnionWith(rows.Where(static r => r.Row.Membership is { Sources: > 0 }).Select(static r => r.Row.Membership!.StoryId));
            waiting = [.. rows.Where(static r => r.Row.ETag is null).Select(static r => r.Id)]; // no row yet: still being assigned
            if (waiting.Count == 0 || waited >= _options.PeerWait)
            {
                break;
            }

            var pause = TimeSpan.FromMilliseconds(Math.Min(PeerPauseCap.TotalMilliseconds, 20 << Math.Min(attempt, 10)));
            pause = pause < _options.PeerWait - waited ? pause : _options.PeerWait - waited;
            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            waited += pause;
        }

        foreach (var id in waiting)
        {
            LogPeerStillAssigning(articleId, id, _options.PeerWait);
        }

        return await JoinAsync(articleId, story, stories, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// An article alone in <paramref name="story"/>: the stories of every one of its <paramref name="candidates"/> (just
    /// read) that tells the same news and its own become one (see <see cref="JoinAsync"/>). Returns its story now.
    /// </summary>
    private async Task<Story> LookAgainAsync(string articleId, StoryFingerprint fingerprint, Story story, IReadOnlyList<(string ArticleId, StoryFingerprint Fingerprint)> candidates, CancellationToken cancellationToken)
    {
        var memberships = await Task.WhenAll(Matching(articleId, fingerprint, candidates).Select(id => store.GetMembershipAsync(id, cancellationToken))).ConfigureAwait(false);
        return await JoinAsync(articleId, story, [.. memberships.Where(static m => m is { Sources: > 0 }).Select(static m => m!.StoryId)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes <paramref name="story"/> and <paramref name="others"/> one: the story with the lowest id takes them all,
    /// whichever article moves them (every article decides the same way; an editor's pinned placement stands). Returns
    /// the article's story now.
    /// </summary>
    private async Task<Story> JoinAsync(string articleId, Story story, IReadOnlyCollection<string> others, CancellationToken cancellationToken)
    {
        if (others.Any(id => id != story.Id))
        {
            var target = others.Append(story.Id).Min(StringComparer.Ordinal)!;
            foreach (var other in others.Append(story.Id).Where(id => id != target).Distinct(StringComparer.Ordinal))
            {
                await MergeIntoAsync(other, target, cancellationToken).ConfigureAwait(false);
            }

            if (await store.GetMembershipAsync(articleId, cancellationToken).ConfigureAwait(false) is { } now
                && await store.GetStoryAsync(now.StoryId, cancellationToken).ConfigureAwait(false) is { } current)
            {
                LogConcurrentStart(articleId, story.Id, current.Id);
                story = current;
            }
        }

        return story;
    }

    /// <summary>
    /// An editor's <paramref name="change"/> of an article's state (publish, unpublish, takedown), then, when it changed
    /// the article, its story's readers' source count following it, before the editor's answer.
    /// </summary>
    public async Task<SaveResult> FollowAsync(Task<SaveResult> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var result = await change.ConfigureAwait(false);
        if (result is { Outcome: SaveOutcome.Updated, Article: { } article })
        {
            await FollowAsync(article, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>Follows a change of an article's state in its story's readers' source count. Nothing when the article is in no story.</summary>
    private async Task FollowAsync(StoredArticle stored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (_options.Enabled && await store.GetMembershipAsync(stored.Article.Id, cancellationToken).ConfigureAwait(false) is { Sources: > 0 } membership)
        {
            if (await PlaceAsync(membership.StoryId, [MemberOf(stored.Article, IsShown(stored), membership.Pinned)], create: false, cancellationToken).ConfigureAwait(false) is { } story)
            {
                Done(stored.Article.Id, story);
            }
        }
    }

    /// <summary>
    /// Takes a removed article out of its story, in one transaction with its row (an editor's placement is remembered
    /// for a new upload of its file). Follows the article should it be moved meanwhile.
    /// </summary>
    public async Task RemoveAsync(string articleId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(articleId);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var (membership, etag) = await store.GetMembershipRowAsync(articleId, cancellationToken).ConfigureAwait(false);
            if (membership is not { Sources: > 0 })
            {
                return;
            }

            var removed = await _turns.InTurnAsync(
                membership.StoryId,
                async () =>
                {
                    var story = await store.GetStoryAsync(membership.StoryId, cancellationToken).ConfigureAwait(false);
                    var leaving = (articleId, membership.Pinned ? membership.StoryId : null, etag!); // its row only as read: a move meanwhile fails it
                    var stories = story is not null && story.Holds(articleId) ? [story.Without(articleId)] : Array.Empty<Story>();
                    return await store.TryCommitAsync(stories, [leaving], cancellationToken).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
            if (removed is not null)
            {
                directory.Forget(removed.SelectMany(static s => s.Members).Select(static m => m.ArticleId).Append(articleId));
                return;
            }

            await BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
        }

        throw new StoryContentionException(articleId);
    }

    /// <summary>
    /// Deletes the key rows written more than <see cref="KeysKeptFor"/> ago, at most once per
    /// <see cref="PruneInterval"/> per instance (the transitions timer calls it every run). Returns how many.
    /// </summary>
    public async Task<int> PruneKeysAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var last = Interlocked.Read(ref _prunedAtTicks);
        if (!_options.Enabled || now.UtcTicks - last < PruneInterval.Ticks || Interlocked.CompareExchange(ref _prunedAtTicks, now.UtcTicks, last) != last)
        {
            return 0;
        }

        var pruned = await store.PruneKeysAsync(now - KeysKeptFor, cancellationToken).ConfigureAwait(false);
        if (pruned > 0)
        {
            LogPruned(pruned);
        }

        return pruned;
    }

    /// <summary>The <paramref name="candidates"/> that tell the same news, the closest first.</summary>
    private static IEnumerable<string> Matching(string articleId, StoryFingerprint fingerprint, IReadOnlyList<(string ArticleId, StoryFingerprint Fingerprint)> candidates) =>
        candidates
            .Where(c => c.ArticleId != articleId && StoryClusterer.IsSameStory(fingerprint, c.Fingerprint))
            .OrderByDescending(c => StoryClusterer.Closeness(fingerprint, c.Fingerprint))
            .ThenBy(static c => c.ArticleId, StringComparer.Ordinal)
            .Select(static c => c.ArticleId);

    /// <summary>
    /// The story of the closest of the <paramref name="candidates"/> that tell the same news and have one (each one's
    /// current story is read: an editor may have moved it; a removed one has none), and those closer still that have
    /// no story yet (no row at all: being assigned at this moment).
    /// </summary>
    private async Task<(string? Story, IReadOnlyList<string> InFlight)> FindStoryAsync(
        string articleId, StoryFingerprint fingerprint, IReadOnlyList<(string ArticleId, StoryFingerprint Fingerprint)> candidates, CancellationToken cancellationToken)
    {
        var inFlight = new List<string>();
        foreach (var candidate in Matching(articleId, fingerprint, candidates))
        {
            var (membership, etag) = await store.GetMembershipRowAsync(candidate, cancellationToken).ConfigureAwait(false);
            if (membership is { Sources: > 0 })
            {
                return (membership.StoryId, inFlight);
            }

            if (etag is null)
            {
                inFlight.Add(candidate);
            }
        }

        return (null, inFlight);
    }

    /// <summary>
    /// Puts <paramref name="members"/> into the story <paramref name="storyId"/> (replacing earlier entries of theirs)
    /// and rewrites the members' rows. Null when that story is gone (unless <paramref name="create"/>) or would be too full.
    /// </summary>
    private Task<Story?> PlaceAsync(string storyId, IReadOnlyList<StoryMember> members, bool create, CancellationToken cancellationToken) =>
        _turns.InTurnAsync(storyId, () => PlaceInTurnAsync(storyId, members, create, cancellationToken), cancellationToken);

    private async Task<Story?> PlaceInTurnAsync(string storyId, IReadOnlyList<StoryMember> members, bool create, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var story = await store.GetStoryAsync(storyId, cancellationToken).ConfigureAwait(false);
            if (story is null && !create)
            {
                return null;
            }

            story ??= new Story(storyId, [], null);
            var placed = members.Aggregate(story, static (s, m) => s.With(m));
            if (placed.Members.Count > _options.MaxMembers && placed.Members.Count > story.Members.Count)
            {
                return null;
            }

            if (story.ETag is not null && members.All(story.Members.Contains))
            {
                return story; // nothing changed (the members' rows were written with it)
            }

            if (await store.TryCommitAsync([placed], [], cancellationToken, before: [story.ETag is null ? null : story]).ConfigureAwait(false) is [var saved])
            {
                return saved;
            }

            await BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
        }

        throw new StoryContentionException(storyId);
    }

    /// <summary>
    /// Moves every article of the story <paramref name="fromId"/> into <paramref name="toId"/> and deletes it (not when an
    /// editor placed an article in either). Returns the story they are in now, or null when nothing moved.
    /// </summary>
    private async Task<Story?> MergeIntoAsync(string fromId, string toId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var source = await store.GetStoryAsync(fromId, cancellationToken).ConfigureAwait(false);
            var target = await store.GetStoryAsync(toId, cancellationToken).ConfigureAwait(false);
            if (source is null || source.Members.Count == 0 || target is null || source.Members.Concat(target.Members).Any(static m => m.Pinned))
            {
                return null; // an editor's split or merge stands
            }

            var merged = source.Members.Aggregate(target, static (s, m) => s.With(m));
            if (merged.Members.Count > _options.MaxMembers)
            {
                return null;
            }

            // Both rows as they were read, and every member's row, in one transaction: nobody is ever in both.
            if (await store.TryCommitAsync([source with { Members = [] }, merged], [], cancellationToken).ConfigureAwait(false) is { } saved)
            {
                directory.Forget(merged.Members.Select(static m => m.ArticleId));
                return saved[1];
            }

            await BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
        }

        throw new StoryContentionException(fromId);
    }

    /// <summary>Starts a story with the article alone (its id is the article's, unless that id names a story already).</summary>
    private async Task<Story> StartAsync(StoryMember member, CancellationToken cancellationToken)
    {
        // Most ids name no story yet: added at once (no read first); an existing one is read and updated.
        if (await store.TrySaveAsync(new Story(member.ArticleId, [member], null), cancellationToken).ConfigureAwait(false) is { } added)
        {
            return added;
        }

        // The article's id names a story already: its own from an earlier try cut short, or one it was split out of.
        return await PlaceAsync(member.ArticleId, [member], create: true, cancellationToken).ConfigureAwait(false)
            ?? await PlaceAsync(StoryIds.Derive(member.ArticleId, "own"), [member], create: true, cancellationToken).ConfigureAwait(false)
            ?? throw new StoryContentionException(member.ArticleId);
    }

    /// <summary>After a write lost to another instance's: a short pause, random, growing (at most 1 s).</summary>
    private static Task BackOffAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, Math.Min(1_000, 20 << Math.Min(attempt, 6)))), cancellationToken);


    private StoryMembership Done(string articleId, Story story)
    {
        directory.Forget(story.Members.Select(static m => m.ArticleId).Append(articleId));
        return new StoryMembership(story.Id, story.Sources, story.ShownSources, story.Members.FirstOrDefault(m => m.ArticleId == articleId)?.Pinned ?? false);
    }

    /// <summary>Whether readers see the article now (published, within its window, not taken down or removed).</summary>
    private bool IsShown(StoredArticle stored) => stored.StateAt(time.GetUtcNow()) == ArticleState.Published;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Article {ArticleId} waited {Wait} for article {PeerId} of the same news, still being assigned: their stories stay apart until either is assigned again (a retry, a new upload)")]
    private partial void LogPeerStillAssigning(string articleId, string peerId, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} story key rows too old to be candidates")]
    private partial void LogPruned(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Article {ArticleId} was alone in story {StoryId} while other articles of the same news had stories of their own (they started at the same moment, or a try was cut short): their stories are one now, {OtherStoryId}")]
    private partial void LogConcurrentStart(string articleId, string storyId, string otherStoryId);
}
