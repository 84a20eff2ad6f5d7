using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ContentPipeline.Articles;
using ContentPipeline.Storage;

namespace ContentPipeline.Stories;

/// <summary>
/// The stories table:
/// <list type="bullet">
/// <item><c>story</c>: one row per story (RowKey its id), its members as JSON; updated only with its ETag;</item>
/// <item><c>member</c>: one row per clustered article (RowKey its id): its story, the story's source count, whether an
/// editor pinned it. What lookups and lists read beside an article; one partition, so a story's members are rewritten
/// in one transaction;</item>
/// <item><c>key|{key}</c>: one row per article and lookup key (RowKey <c>{inverted published ticks}|{id}</c>, newest
/// first), carrying the article's fingerprint: the newest few of each of an article's keys are its candidates.</item>
/// </list>
/// </summary>
public sealed class StoryStore(TableServiceClient tables)
{
    /// <summary>The most members a story row holds (a transaction rewrites them all).</summary>
    public const int MaxMembers = 100;

    private const string StoryPartition = "story";
    private const string MemberPartition = "member";
    private const string KeyPrefix = "key|";
    private const string KeyEnd = "key}"; // '}' follows '|': every key partition sorts between the two
    private const string MembersColumn = "Members";
    private const string StoryColumn = "Story";
    private const string SourcesColumn = "Sources";
    private const string PinnedColumn = "Pinned";
    private const string ArticleColumn = "Article";
    private const string HeadlineColumn = "Headline";
    private const string NamesColumn = "Names";
    private const string SignatureColumn = "Signature";
    private const string UrlColumn = "Url";
    private const string RelatedColumn = "Related";
    private const string PublishedColumn = "Published";
    private const char TermSeparator = ' ';
    private const char UrlSeparator = '\n';
    private const int DeleteBatch = 100;

    private static readonly string[] MembershipColumns = [StoryColumn, SourcesColumn, PinnedColumn];

    private readonly TableClient _table = tables.GetTableClient(StorageNames.StoriesTable);

    /// <summary>The story of an article, or null when it has none (not clustered, or removed).</summary>
    public async Task<StoryMembership?> GetMembershipAsync(string articleId, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(MemberPartition, articleId, MembershipColumns, cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value!.GetString(StoryColumn) is { } story
            ? new StoryMembership(story, row.Value.GetInt32(SourcesColumn) ?? 1, row.Value.GetBoolean(PinnedColumn) ?? false)
            : null;
    }

    /// <summary>A story, or null.</summary>
    public async Task<Story?> GetStoryAsync(string storyId, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(StoryPartition, storyId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? DecodeStory(row.Value!) : null;
    }

    /// <summary>
    /// Stores <paramref name="story"/>: added when its ETag is null, else replaced if unchanged since it was read, or
    /// deleted when it has no members left. Returns the story as stored (its new ETag), or null when another writer
    /// got there first (read it again).
    /// </summary>
    public async Task<Story?> TrySaveAsync(Story story, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(story);
        try
        {
            if (story.Members.Count == 0)
            {
                if (story.ETag is not null)
                {
                    await _table.DeleteEntityAsync(StoryPartition, story.Id, new ETag(story.ETag), cancellationToken).ConfigureAwait(false);
                }

                return story with { ETag = null };
            }

            var entity = new TableEntity(StoryPartition, story.Id) { [MembersColumn] = JsonSerializer.Serialize(story.Members, ArticleJson.Options) };
            var response = story.ETag is null
                ? await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false)
                : await _table.UpdateEntityAsync(entity, new ETag(story.ETag), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return story with { ETag = response.Headers.ETag?.ToString() };
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Writes every member's row from <paramref name="story"/> (its id, its source count, the member's pin).</summary>
    public async Task WriteMembershipsAsync(Story story, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(story);
        var sources = story.Sources;
        var actions = story.Members.Select(m => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(MemberPartition, m.ArticleId)
        {
            [StoryColumn] = story.Id,
            [SourcesColumn] = sources,
            [PinnedColumn] = m.Pinned,
        })).ToList();
        if (actions.Count > 0)
        {
            await _table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Keeps an editor's placement of a removed article (so a new upload of its file returns there), or forgets it.</summary>
    public Task KeepPinAsync(string articleId, string storyId, CancellationToken cancellationToken) =>
        _table.UpsertEntityAsync(new TableEntity(MemberPartition, articleId) { [StoryColumn] = storyId, [SourcesColumn] = 0, [PinnedColumn] = true }, TableUpdateMode.Replace, cancellationToken);

    /// <summary>Forgets an article's story.</summary>
    public async Task DeleteMembershipAsync(string articleId, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(MemberPartition, articleId, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            // already gone
        }
    }

    /// <summary>
    /// The newest <paramref name="perKey"/> articles of each key (one request per key, in parallel), each once: the
    /// candidates an article is compared with.
    /// </summary>
    public async Task<IReadOnlyList<(string ArticleId, StoryFingerprint Fingerprint)>> ReadCandidatesAsync(IReadOnlyList<string> keys, int perKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var reads = await Task.WhenAll(keys.Select(async key =>
        {
            var rows = new List<TableEntity>(perKey);
            await foreach (var page in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {KeyPrefix + key}"), perKey, cancellationToken: cancellationToken).AsPages(null, perKey).ConfigureAwait(false))
            {
                rows.AddRange(page.Values.Take(perKey));
                break;
            }

            return rows;
        })).ConfigureAwait(false);
        return [.. reads.SelectMany(static r => r).DistinctBy(static r => r.GetString(ArticleColumn)).Select(static r => (r.GetString(ArticleColumn), DecodeFingerprint(r)))];
    }

    /// <summary>Files an article under each of its fingerprint's keys (one upsert per key, in parallel).</summary>
    public Task WriteKeysAsync(string articleId, StoryFingerprint fingerprint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        var signature = new byte[fingerprint.Signature.Length * sizeof(ulong)];
        MemoryMarshal.AsBytes(fingerprint.Signature.AsSpan()).CopyTo(signature);
        var rowKey = KeyRow(fingerprint.Published, articleId);
        return Task.WhenAll(fingerprint.Keys.Select(key => _table.UpsertEntityAsync(new TableEntity(KeyPrefix + key, rowKey)
        {
            [ArticleColumn] = articleId,
            [HeadlineColumn] = string.Join(TermSeparator, fingerprint.HeadlineTerms),
            [NamesColumn] = string.Join(TermSeparator, fingerprint.Names),
            [SignatureColumn] = signature,
            [UrlColumn] = fingerprint.Url,
            [RelatedColumn] = string.Join(UrlSeparator, fingerprint.RelatedUrls),
            [PublishedColumn] = fingerprint.Published,
        }, TableUpdateMode.Replace, cancellationToken)));
    }

    /// <summary>
    /// Deletes the key rows written before <paramref name="before"/>: by when they were written, not when their article
    /// was published, so a backfill of old articles still finds its candidates while it runs.
    /// </summary>
    public async Task<int> PruneKeysAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey gt {KeyPrefix} and PartitionKey lt {KeyEnd} and Timestamp lt {before}");
        var deleted = 0;
        var batch = new List<TableTransactionAction>(DeleteBatch);
        string? partition = null;
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: [nameof(TableEntity.PartitionKey), nameof(TableEntity.RowKey)], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (batch.Count == DeleteBatch || (partition is not null && row.PartitionKey != partition))
            {
                deleted += await SubmitAsync(batch, cancellationToken).ConfigureAwait(false);
            }

            partition = row.PartitionKey;
            batch.Add(new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All));
        }

        return deleted + await SubmitAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> SubmitAsync(List<TableTransactionAction> batch, CancellationToken cancellationToken)
    {
        var count = batch.Count;
        if (count > 0)
        {
            await _table.SubmitTransactionAsync(batch, cancellationToken).ConfigureAwait(false);
            batch.Clear();
        }

        return count;
    }

    private static string KeyRow(DateTimeOffset published, string articleId) =>
        string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.MaxValue.UtcTicks - published.UtcTicks:D19}|{articleId}");

    private static Story DecodeStory(TableEntity row) =>
        new(row.RowKey, JsonSerializer.Deserialize<List<StoryMember>>(row.GetString(MembersColumn) ?? "[]", ArticleJson.Options) ?? [], row.ETag.ToString());

    private static StoryFingerprint DecodeFingerprint(TableEntity row)
    {
        var bytes = row.GetBinary(SignatureColumn) ?? [];
        var signature = MemoryMarshal.Cast<byte, ulong>(bytes.AsSpan()).ToArray();
        return new StoryFingerprint(
            Split(row.GetString(HeadlineColumn), TermSeparator),
            Split(row.GetString(NamesColumn), TermSeparator),
            signature.Length == StoryFingerprint.Hashes ? signature : Enumerable.Repeat(ulong.MaxValue, StoryFingerprint.Hashes).ToArray(),
            row.GetString(UrlColumn) ?? string.Empty,
            Split(row.GetString(RelatedColumn), UrlSeparator),
            row.GetDateTimeOffset(PublishedColumn) ?? DateTimeOffset.MinValue);
    }

    private static HashSet<string> Split(string? text, char separator) =>
        (text ?? string.Empty).Split(separator, StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
}
