using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ContentPipeline.Articles;
using ContentPipeline.Storage;

namespace ContentPipeline.Stories;

/// <summary>
/// The stories tables:
/// <list type="bullet">
/// <item><c>stories</c>, partition <c>member</c>, RowKey an article id: the article's story, the story's source counts, whether an editor pinned
/// it (what lookups and lists read beside an article); RowKey <c>story|{id}</c>: a story, its members as JSON. One
/// partition, so every change of stories is one transaction: the story rows (each only as it was read: its ETag) and
/// the rows of every member they hold. A story and its members' rows can never disagree, and a writer that lost a race
/// writes nothing;</item>
/// <item><c>storykeys</c>, partition <c>key|{key}</c>: one row per lookup key (RowKey <c>newest</c>) holding the fingerprints of the newest
/// <see cref="StoryClusterer.CandidatesPerKey"/> articles filed under it: an article's candidates are a point read per
/// key, never a query (a query's cost grows with the table on the emulator, and one costs as much as a read on Azure).</item>
/// </list>
/// </summary>
public sealed class StoryStore(TableServiceClient tables)
{
    /// <summary>The most members a story holds: a transaction of two story rows and their members' rows fits in 100.</summary>
    public const int MaxMembers = 98;

    internal const string MemberPartition = "member";
    internal const string StoryRowPrefix = "story|";
    internal const string KeyPrefix = "key|";
    private const string KeyEnd = "key}"; // '}' follows '|': every key partition sorts between the two
    private const string MembersColumn = "Members";
    private const string StoryColumn = "Story";
    private const string SourcesColumn = "Sources";
    private const string ShownSourcesColumn = "ShownSources";
    private const string PinnedColumn = "Pinned";
    internal const string KeyRowKey = "newest";
    private const string EntriesColumn = "Entries";
    private const int KeyAttempts = 16;

    private static readonly string[] MembershipColumns = [StoryColumn, SourcesColumn, ShownSourcesColumn, PinnedColumn];

    private readonly TableClient _table = tables.GetTableClient(StorageNames.StoriesTable);
    private readonly TableClient _keys = tables.GetTableClient(StorageNames.StoryKeysTable);
    private readonly Turns _turns = new();

    /// <summary>The story of an article, or null when it has none (not clustered, or removed: an editor's pin survives as <see cref="StoryMembership.Sources"/> 0).</summary>
    public async Task<StoryMembership?> GetMembershipAsync(string articleId, CancellationToken cancellationToken) =>
        (await GetMembershipRowAsync(articleId, cancellationToken).ConfigureAwait(false)).Membership;

    /// <summary>The story of an article (as <see cref="GetMembershipAsync"/>) and its row's version (null when there is no row).</summary>
    public async Task<(StoryMembership? Membership, string? ETag)> GetMembershipRowAsync(string articleId, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(MemberPartition, articleId, MembershipColumns, cancellationToken).ConfigureAwait(false);
        if (!row.HasValue)
        {
            return (null, null);
        }

        var etag = row.Value!.ETag.ToString();
        if (row.Value.GetString(StoryColumn) is not { Length: > 0 } story)
        {
            return (null, etag);
        }

        var membership = new StoryMembership(story, row.Value.GetInt32(SourcesColumn) ?? 0, row.Value.GetInt32(ShownSourcesColumn) ?? 0, row.Value.GetBoolean(PinnedColumn) ?? false);
        return (membership.Sources > 0 || membership.Pinned ? membership : null, etag);
    }

    /// <summary>A story, or null.</summary>
    public async Task<Story?> GetStoryAsync(string storyId, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(MemberPartition, StoryRowPrefix + storyId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? DecodeStory(row.Value!) : null;
    }

    /// <summary>Stores one story (see <see cref="TryCommitAsync"/>); returns it as stored, or null when another writer got there first.</summary>
    public async Task<Story?> TrySaveAsync(Story story, CancellationToken cancellationToken) =>
        await TryCommitAsync([story], [], cancellationToken).ConfigureAwait(false) is { } saved ? saved[0] : null;

    /// <summary>
    /// Stores <paramref name="stories"/> and their members' rows in one transaction: a story with a null ETag is added,
    /// one with members replaced only if unchanged since it was read, one without members deleted likewise; every
    /// member of the others gets its row (story, source counts, pin); each of <paramref name="leaving"/> (an article
    /// leaving every story, its row only as it was read) gets a row naming no story, or only its pinned place when an
    /// editor put it there. Returns the stories as stored (their new ETags), or null when any of them changed meanwhile
    /// (nothing is written: read again).
    /// </summary>
    /// <param name="stories">The stories as they are to be.</param>
    /// <param name="leaving">Articles leaving every story.</param>
    /// <param name="cancellationToken">Cancels the commit.</param>
    /// <param name="before">
    /// The stories as they were read, in the same order (null: new, or unknown): a member whose entry did not change, in
    /// a story whose source counts did not change, keeps its row as it is (a join from a provider already counted writes
    /// two rows, not the story's every member's).
    /// </param>
    public async Task<IReadOnlyList<Story>?> TryCommitAsync(IReadOnlyList<Story> stories, IReadOnlyList<(string ArticleId, string? PinnedTo, string ETag)> leaving, CancellationToken cancellationToken, IReadOnlyList<Story?>? before = null)
    {
        ArgumentNullException.ThrowIfNull(stories);
        ArgumentNullException.ThrowIfNull(leaving);
        var actions = new List<TableTransactionAction>();
        foreach (var story in stories)
        {
            if (story.Members.Count == 0)
            {
                if (story.ETag is not null)
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(MemberPartition, StoryRowPrefix + story.Id), new ETag(story.ETag)));
                }

                continue;
            }

            var row = new TableEntity(MemberPartition, StoryRowPrefix + story.Id) { [MembersColumn] = JsonSerializer.Serialize(story.Members, ArticleJson.Options) };
            actions.Add(story.ETag is null
                ? new TableTransactionAction(TableTransactionActionType.Add, row)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, new ETag(story.ETag)));
        }

        var storyActions = actions.Count;
        for (var i = 0; i < stories.Count; i++)
        {
            var story = stories[i];
            var (sources, shown) = (story.Sources, story.ShownSources);
            var earlier = before?[i] is { } read && read.Id == story.Id && read.Sources == sources && read.ShownSources == shown ? read : null;
            actions.AddRange(story.Members.Where(m => earlier is null || !earlier.Members.Contains(m)).Select(m => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(MemberPartition, m.ArticleId)
            {
                [StoryColumn] = story.Id,
                [SourcesColumn] = sources,
                [ShownSourcesColumn] = shown,
                [PinnedColumn] = m.Pinned,
            })));
        }

        actions.AddRange(leaving.Select(static l => new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity(MemberPartition, l.ArticleId)
        {
            [StoryColumn] = l.PinnedTo ?? string.Empty,
            [SourcesColumn] = 0,
            [ShownSourcesColumn] = 0,
            [PinnedColumn] = l.PinnedTo is not null,
        }, new ETag(l.ETag))));
        if (actions.Count == 0)
        {
            return stories;
        }

        try
        {
            var responses = (await _table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false)).Value;
            var saved = new List<Story>(stories.Count);
            var at = 0;
            foreach (var story in stories)
            {
                if (story.Members.Count == 0)
                {
                    at += story.ETag is null ? 0 : 1;
                    saved.Add(story with { ETag = null });
                }
                else
                {
                    saved.Add(story with { ETag = responses[at++].Headers.ETag?.ToString() });
                }
            }

            Debug.Assert(at == storyActions, "one response per story action, in order");
            return saved;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Files an article under each of its fingerprint's keys (in parallel) and returns what was filed there before it,
    /// each article once: its candidates. A key's row is read, then replaced only as read (a writer that lost the race
    /// reads again), so of two articles filed under one key at the same moment, the later sees the earlier. A key whose
    /// row holds the article as it is already is only read (a new delivery of an unchanged file writes nothing).
    /// </summary>
    public async Task<IReadOnlyList<(string ArticleId, StoryFingerprint Fingerprint)>> FileAsync(string articleId, StoryFingerprint fingerprint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        var entry = KeyEntry.Of(articleId, fingerprint);
        var filed = await Task.WhenAll(fingerprint.Keys.Select(key => FileUnderAsync(key, entry, cancellationToken))).ConfigureAwait(false);
        return Candidates(filed);
    }

    private static List<(string ArticleId, StoryFingerprint Fingerprint)> Candidates(IEnumerable<IReadOnlyList<KeyEntry>> entries) =>
        [.. entries.SelectMany(static e => e).DistinctBy(static e => e.Article).Select(static e => (e.Article, e.Fingerprint()))];

    // Filings of one key by this instance take turns (a name in the news is filed under by many articles at once).
    private Task<IReadOnlyList<KeyEntry>> FileUnderAsync(string key, KeyEntry entry, CancellationToken cancellationToken) =>
        _turns.InTurnAsync(key, () => FileUnderInTurnAsync(key, entry, cancellationToken), cancellationToken);

    private async Task<IReadOnlyList<KeyEntry>> FileUnderInTurnAsync(string key, KeyEntry entry, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (entries, etag) = await ReadKeyAsync(key, cancellationToken).ConfigureAwait(false);
            var others = entries.Where(e => e.Article != entry.Article).ToList();
            var kept = others.Append(entry)
                .OrderByDescending(static e => e.Published).ThenBy(static e => e.Article, StringComparer.Ordinal)
                .Take(StoryClusterer.CandidatesPerKey).ToList();
            if (kept.SequenceEqual(entries))
            {
                return others; // filed as it is (or too old to be anyone's candidate, as it was)
            }

            var row = new TableEntity(KeyPrefix + key, KeyRowKey) { [EntriesColumn] = KeyEntry.Encode(kept) };
            try
            {
                await (etag is null
                    ? _keys.AddEntityAsync(row, cancellationToken)
                    : _keys.UpdateEntityAsync(row, new ETag(etag), TableUpdateMode.Replace, cancellationToken)).ConfigureAwait(false);
                return others;
            }
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
            {
                if (attempt == KeyAttempts)
                {
                    throw new StoryContentionException($"The key row {key} changed under every attempt to file article {entry.Article}.", ex);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 << Math.Min(attempt, 6))), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(IReadOnlyList<KeyEntry> Entries, string? ETag)> ReadKeyAsync(string key, CancellationToken cancellationToken)
    {
        var row = await _keys.GetEntityIfExistsAsync<TableEntity>(KeyPrefix + key, KeyRowKey, [EntriesColumn], cancellationToken).ConfigureAwait(false);
        return row.HasValue ? (KeyEntry.Decode(row.Value!.GetBinary(EntriesColumn)), row.Value.ETag.ToString()) : ([], null);
    }

    /// <summary>
    /// Deletes the key rows last written before <paramref name="before"/>: by when an article was last filed in them, not when it
    /// was published, so a backfill of old articles still finds its candidates while it runs.
    /// </summary>
    public async Task<int> PruneKeysAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey gt {KeyPrefix} and PartitionKey lt {KeyEnd} and Timestamp lt {before}");
        return await _keys.DeleteWhereAsync(filter, cancellationToken).ConfigureAwait(false);
    }

    private static Story DecodeStory(TableEntity row) =>
        new(row.RowKey[StoryRowPrefix.Length..], JsonSerializer.Deserialize<List<StoryMember>>(row.GetString(MembersColumn) ?? "[]", ArticleJson.Options) ?? [], row.ETag.ToString());
}
