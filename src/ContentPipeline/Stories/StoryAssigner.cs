using ContentPipeline.Articles;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ContentPipeline.Stories;

/// <summary>
/// Puts each ingested article into a story (<see cref="StoryClusterer"/>'s rule, with the keys in the stories table):
/// an article already in one stays there (a new upload of its file changes only its entry: quality, provider); a new
/// one reads the newest <see cref="StoryClusterer.CandidatesPerKey"/> articles of each of its few keys, joins the story
/// of the closest that tells the same news, else starts its own; then files itself under its keys. Cost of a new
/// article that joins a story: one read per key, one read of the candidate's membership, a story read and write, one
/// transaction for the members' rows, one upsert per key. One that starts a story: one read per key, the story added,
/// its row, one upsert per key, and one more read per key afterwards, so two articles of one story ingested at the
/// same moment on two instances still end up together. Stories an editor touched (a pinned member) are never merged
/// that way.
/// </summary>
public sealed partial class StoryAssigner(StoryStore store, StoryDirectory directory, TimeProvider time, IOptions<StoryOptions> options, ILogger<StoryAssigner> logger)
{
    private const int Attempts = 32;
    private const int Stripes = 64;

    /// <summary>How often an instance deletes the key rows too old to be candidates.</summary>
    public static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    /// <summary>How long key rows are kept after they are written: twice the window, so no article within it misses its candidates.</summary>
    public static readonly TimeSpan KeysKeptFor = StoryClusterer.Window * 2;

    private readonly StoryOptions _options = options.Value;

    // Writes of one story by this instance take turns (a story many articles join at once would otherwise see most of
    // its writers lose to one another and read again); instances still race, and the story's ETag settles that.
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, Stripes).Select(static _ => new SemaphoreSlim(1, 1))];
    private long _prunedAtTicks;

    /// <summary>The fingerprint the clustering compares of <paramref name="article"/>.</summary>
    public static StoryFingerprint FingerprintOf(Article article)
    {
        ArgumentNullException.ThrowIfNull(article);
        return StoryFingerprint.Of(article.Title, article.Excerpt, article.WebUrl, article.Related.Select(static r => r.WebUrl), article.PublishedDateTime);
    }

    /// <summary>What a story keeps of <paramref name="article"/>.</summary>
    public static StoryMember MemberOf(Article article, bool pinned = false)
    {
        ArgumentNullException.ThrowIfNull(article);
        return new StoryMember(article.Id, ProviderOf(article.Provider), article.Quality, article.PublishedDateTime, pinned);
    }

    /// <summary>The source a provider counts as (its domain, else its name, lowercased).</summary>
    public static string? ProviderOf(ArticleProvider? provider) =>
        (provider?.Domain ?? provider?.Name)?.Trim().ToLowerInvariant() is { Length: > 0 } source ? source : null;

    /// <summary>
    /// Puts <paramref name="article"/> into its story (see the type); returns its membership (null when stories are off).
    /// <paramref name="created"/>: the article was stored for the first time just now, so it is in no story yet (its
    /// membership is not read).
    /// </summary>
    public async Task<StoryMembership?> AssignAsync(Article article, CancellationToken cancellationToken, bool created = false)
    {
        ArgumentNullException.ThrowIfNull(article);
        if (!_options.Enabled)
        {
            return null;
        }

        var existing = created ? null : await store.GetMembershipAsync(article.Id, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            // Stays where it is (an editor's placement included); its entry follows its new quality and provider.
            var current = await store.GetStoryAsync(existing.StoryId, cancellationToken).ConfigureAwait(false);
            if (current is not null && current.Members.Contains(MemberOf(article, existing.Pinned)) && current.Sources == existing.Sources)
            {
                return existing; // a delivery of an unchanged file: two reads
            }

            var kept = await PlaceAsync(existing.StoryId, [MemberOf(article, existing.Pinned)], create: true, cancellationToken).ConfigureAwait(false);
            if (kept is not null)
            {
                return Done(article.Id, kept);
            }
        }

        var fingerprint = FingerprintOf(article);
        var story = await FindStoriesAsync(article.Id, fingerprint, all: false, cancellationToken).ConfigureAwait(false) is [var found, ..]
            ? await PlaceAsync(found, [MemberOf(article)], create: false, cancellationToken).ConfigureAwait(false)
            : null;
        var started = story is null;
        story ??= await StartAsync(article, cancellationToken).ConfigureAwait(false);
        await store.WriteKeysAsync(article.Id, fingerprint, cancellationToken).ConfigureAwait(false);

        if (started)
        {
            // Other articles of this news may have started stories at the same moment (none saw the others' keys
            // before it looked). Each wrote its keys before looking again, so the last to look sees all of them: the
            // story with the lowest id takes them all, whichever side moves them (both sides decide the same way).
            var others = await FindStoriesAsync(article.Id, fingerprint, all: true, cancellationToken).ConfigureAwait(false);
            if (others.Any(id => id != story.Id))
            {
                var target = others.Append(story.Id).Min(StringComparer.Ordinal)!;
                foreach (var other in others.Append(story.Id).Where(id => id != target).Distinct(StringComparer.Ordinal))
                {
                    await MergeIntoAsync(other, target, cancellationToken).ConfigureAwait(false);
                }

                var now = await store.GetMembershipAsync(article.Id, cancellationToken).ConfigureAwait(false);
                if (now is not null && await store.GetStoryAsync(now.StoryId, cancellationToken).ConfigureAwait(false) is { } current)
                {
                    LogConcurrentStart(article.Id, story.Id, current.Id);
                    story = current;
                }
            }
        }

        return Done(article.Id, story);
    }

    /// <summary>Takes a removed article out of its story (an editor's placement is remembered for a new upload of its file).</summary>
    public async Task RemoveAsync(string articleId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(articleId);
        if (await store.GetMembershipAsync(articleId, cancellationToken).ConfigureAwait(false) is not { } membership)
        {
            return;
        }

        await LeaveAsync(membership.StoryId, articleId, cancellationToken).ConfigureAwait(false);
        if (membership.Pinned)
        {
            await store.KeepPinAsync(articleId, membership.StoryId, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await store.DeleteMembershipAsync(articleId, cancellationToken).ConfigureAwait(false);
        }

        directory.Forget(articleId);
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

    /// <summary>
    /// The stories of the candidates that tell the same news: the closest one's only (<paramref name="all"/> false), or
    /// every one's. Each candidate's current story is read (an editor may have moved it); a removed one has none.
    /// </summary>
    private async Task<IReadOnlyList<string>> FindStoriesAsync(string articleId, StoryFingerprint fingerprint, bool all, CancellationToken cancellationToken)
    {
        var candidates = await store.ReadCandidatesAsync(fingerprint.Keys, StoryClusterer.CandidatesPerKey, cancellationToken).ConfigureAwait(false);
        var matching = candidates
            .Where(c => c.ArticleId != articleId && StoryClusterer.IsSameStory(fingerprint, c.Fingerprint))
            .OrderByDescending(c => StoryClusterer.Closeness(fingerprint, c.Fingerprint))
            .ThenBy(static c => c.ArticleId, StringComparer.Ordinal)
            .Select(static c => c.ArticleId)
            .ToList();
        if (all)
        {
            var memberships = await Task.WhenAll(matching.Select(id => store.GetMembershipAsync(id, cancellationToken))).ConfigureAwait(false);
            return [.. memberships.Where(static m => m is { Sources: > 0 }).Select(static m => m!.StoryId).Distinct(StringComparer.Ordinal)];
        }

        foreach (var candidate in matching)
        {
            if (await store.GetMembershipAsync(candidate, cancellationToken).ConfigureAwait(false) is { Sources: > 0 } membership)
            {
                return [membership.StoryId];
            }
        }

        return [];
    }

    /// <summary>
    /// Puts <paramref name="members"/> into the story <paramref name="storyId"/> (replacing earlier entries of theirs)
    /// and rewrites the members' rows. Null when that story is gone (unless <paramref name="create"/>) or would be too full.
    /// </summary>
    private async Task<Story?> PlaceAsync(string storyId, IReadOnlyList<StoryMember> members, bool create, CancellationToken cancellationToken)
    {
        var stripe = StripeOf(storyId);
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await PlaceInTurnAsync(storyId, members, create, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            stripe.Release();
        }
    }

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

            if (members.All(story.Members.Contains))
            {
                await store.WriteMembershipsAsync(story, cancellationToken).ConfigureAwait(false); // a retry after a cut-short save
                return story;
            }

            if (await store.TrySaveAsync(placed, cancellationToken).ConfigureAwait(false) is { } saved)
            {
                await store.WriteMembershipsAsync(saved, cancellationToken).ConfigureAwait(false);
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

            if (await PlaceAsync(toId, source.Members, create: false, cancellationToken).ConfigureAwait(false) is not { } to)
            {
                return null;
            }

            // Deleted only as it was read: an article that joined it meanwhile moves on the next round.
            if (await store.TrySaveAsync(source with { Members = [] }, cancellationToken).ConfigureAwait(false) is not null)
            {
                directory.Forget(to.Members.Select(static m => m.ArticleId));
                return to;
            }

            await BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
        }

        throw new StoryContentionException(fromId);
    }

    /// <summary>Starts a story with the article alone (its id is the article's, unless that id names a story already).</summary>
    private async Task<Story> StartAsync(Article article, CancellationToken cancellationToken)
    {
        // Most ids name no story yet: added at once (no read first); an existing one is read and updated.
        if (await store.TrySaveAsync(new Story(article.Id, [MemberOf(article)], null), cancellationToken).ConfigureAwait(false) is { } added)
        {
            await store.WriteMembershipsAsync(added, cancellationToken).ConfigureAwait(false);
            return added;
        }

        var story = await PlaceAsync(article.Id, [MemberOf(article)], create: true, cancellationToken).ConfigureAwait(false);
        if (story is not null)
        {
            return story;
        }

        // The article's id names a full story it was split out of: start one under a derived id.
        return await PlaceAsync(StoryIds.Derive(article.Id, "own"), [MemberOf(article)], create: true, cancellationToken).ConfigureAwait(false)
            ?? throw new StoryContentionException(article.Id);
    }

    /// <summary>Takes an article out of a story and rewrites the remaining members' rows (their source count).</summary>
    internal async Task LeaveAsync(string storyId, string articleId, CancellationToken cancellationToken)
    {
        var stripe = StripeOf(storyId);
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LeaveInTurnAsync(storyId, articleId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            stripe.Release();
        }
    }

    private async Task LeaveInTurnAsync(string storyId, string articleId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var story = await store.GetStoryAsync(storyId, cancellationToken).ConfigureAwait(false);
            if (story is null || !story.Holds(articleId))
            {
                return;
            }

            if (await store.TrySaveAsync(story.Without(articleId), cancellationToken).ConfigureAwait(false) is { } saved)
            {
                await store.WriteMembershipsAsync(saved, cancellationToken).ConfigureAwait(false);
                directory.Forget(saved.Members.Select(static m => m.ArticleId));
                return;
            }

            await BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
        }

        throw new StoryContentionException(storyId);
    }

    /// <summary>After a write lost to another instance's: a short pause, random, growing (at most 1 s).</summary>
    private static Task BackOffAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, Math.Min(1_000, 20 << Math.Min(attempt, 6)))), cancellationToken);

    private SemaphoreSlim StripeOf(string storyId) => _stripes[(uint)StringComparer.Ordinal.GetHashCode(storyId) % Stripes];

    private StoryMembership Done(string articleId, Story story)
    {
        directory.Forget(story.Members.Select(static m => m.ArticleId).Append(articleId));
        return new StoryMembership(story.Id, story.Sources, story.Members.FirstOrDefault(m => m.ArticleId == articleId)?.Pinned ?? false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} story key rows too old to be candidates")]
    private partial void LogPruned(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Article {ArticleId} started story {StoryId} at the same moment as other articles of the same news: their stories are one now, {OtherStoryId}")]
    private partial void LogConcurrentStart(string articleId, string storyId, string otherStoryId);
}
