using Azure.Data.Tables;
using ContentPipeline.Changes;
using ContentPipeline.Ingest;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ContentPipeline.IntegrationTests;

/// <summary>
/// The sync service against Azurite: a client mirrors the published set with a first sync, then follows every kind of
/// change (published, changed, unpublished, scheduled, taken down, expired, removed) through the change log, and its
/// mirror equals the published set; a later sync costs what changed, not the archive.
/// </summary>
public sealed class SyncTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private SyncService Sync => fixture.Services.GetRequiredService<SyncService>();

    private ArticleStore Store => fixture.Services.GetRequiredService<ArticleStore>();

    [Fact]
    public async Task AMirror_FollowsEveryKindOfChange_AndEndsEqualToThePublishedSet()
    {
        var now = fixture.Clock.GetUtcNow();
        var files = Enumerable.Range(0, 7).Select(i => new ArticleText { IsPublished = true, Published = now.AddHours(-i - 1) }).ToList();
        var ids = new List<string>();
        foreach (var file in files)
        {
            ids.Add(await fixture.IngestAsync(file));
        }

        var draft = await fixture.IngestAsync(new ArticleText { IsPublished = false });
        var expiring = new ArticleText { IsPublished = true, ExpiresAt = now.AddHours(1) };
        ids.Add(await fixture.IngestAsync(expiring));

        // First sync, three at a time.
        var mirror = new Dictionary<string, string>(StringComparer.Ordinal); // id -> title
        var (token, pages) = await SyncAsync(mirror, null, limit: 3);
        Assert.True(pages >= 3);
        Assert.Equal(await PublishedSetAsync(), mirror.Keys.Order(StringComparer.Ordinal));
        Assert.All(ids, id => Assert.Contains(id, mirror.Keys));
        Assert.DoesNotContain(draft, mirror.Keys);

        // Every kind of change.
        var changed = new ArticleText { Url = files[0].Url, IsPublished = true, Published = files[0].Published, Title = "A new headline" };
        await fixture.IngestAsync(changed);
        var added = await fixture.IngestAsync(new ArticleText { IsPublished = true, Title = "Just in" });
        await Store.SetPublishedAsync(ids[1], false, null, default);
        await Store.SetPublishedAsync(ids[2], true, now.AddDays(1), null, default);
        await Store.TakeDownAsync(ids[3], "legal", "a court order", null, default);
        var removedSource = (await Store.GetAsync(ids[4], false, default))!.Source.BlobName;
        await Store.RemoveAsync(ids[4], removedSource, default);
        await Store.SetPublishedAsync(draft, true, null, default);
        fixture.Clock.Advance(TimeSpan.FromHours(2)); // past the expiry
        await Store.ApplyDueTransitionsAsync(100, default);
        await fixture.Services.IndexSettledAsync();

        fixture.Clock.Advance(ChangeLog.SettleTime + TimeSpan.FromSeconds(1));
        var deletions = new Dictionary<string, string>(StringComparer.Ordinal);
        (token, _) = await SyncAsync(mirror, token, limit: 2, deletions);

        Assert.Equal("A new headline", mirror[ids[0]]);
        Assert.Contains(added, mirror.Keys);
        Assert.Contains(draft, mirror.Keys);
        Assert.Equal(
            new Dictionary<string, string> { [ids[1]] = "unpublished", [ids[2]] = "scheduled", [ids[3]] = "taken-down", [ids[4]] = "removed", [ids[7]] = "expired" }.OrderBy(static d => d.Key, StringComparer.Ordinal),
            deletions.OrderBy(static d => d.Key, StringComparer.Ordinal));
        Assert.Equal(await PublishedSetAsync(), mirror.Keys.Order(StringComparer.Ordinal));

        // Caught up: the same token gives nothing new.
        var again = await Sync.ReadChangesAsync(SyncToken.TryParse(token)!, 100, default);
        Assert.Equal((0, 0), (again.Articles.Count, again.Deleted.Count));
        Assert.NotNull(again.SyncToken);
    }

    [Fact]
    public async Task ALaterSync_CostsTheChanges_NotTheArchive()
    {
        for (var i = 0; i < 30; i++)
        {
            await fixture.IngestAsync(new ArticleText { IsPublished = true });
        }

        fixture.Clock.Advance(ChangeLog.SettleTime + TimeSpan.FromSeconds(1)); // the first sync starts after those changes settled
        var (token, _) = await SyncAsync([], null, limit: 100);
        var one = await fixture.IngestAsync(new ArticleText { IsPublished = true, Title = "One more" });
        var early = await Sync.ReadChangesAsync(SyncToken.TryParse(token)!, 100, default);
        Assert.Equal((0, 0), (early.Articles.Count, early.Deleted.Count)); // not settled: read once SettleTime old
        fixture.Clock.Advance(ChangeLog.SettleTime + TimeSpan.FromSeconds(1));

        var counter = new RequestCounter();
        var options = new TableClientOptions();
        options.AddPolicy(counter, Azure.Core.HttpPipelinePosition.PerCall);
        var tables = new TableServiceClient(fixture.Azurite.ConnectionString, options);
        var counted = new SyncService(new ArticleIndex(tables, fixture.Clock, Options.Create(new IndexOptions())),
            new ChangeLog(tables, fixture.Clock, fixture.Services.GetRequiredService<IOptions<ChangeOptions>>()), fixture.Clock);
        var page = await counted.ReadChangesAsync(SyncToken.TryParse(token)!, 100, default);

        Assert.Equal([one], page.Articles.Select(static a => a.Id));
        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public async Task AnUnpublishWhoseSaveWasCutShort_ReachesTheMirror_OnceRepairAppliesIt()
    {
        var id = await fixture.IngestAsync(new ArticleText { IsPublished = true });
        fixture.Clock.Advance(ChangeLog.SettleTime + TimeSpan.FromSeconds(1));
        var mirror = new Dictionary<string, string>(StringComparer.Ordinal);
        var (token, _) = await SyncAsync(mirror, null, limit: 100);
        Assert.Contains(id, mirror.Keys);

        await InterruptedSaves.RunAsync(fixture, store => store.SetPublishedAsync(id, false, null, default)); // committed, then the process "died"
        await Store.RepairAsync(includeRecent: true, default);
        fixture.Clock.Advance(ChangeLog.SettleTime + TimeSpan.FromSeconds(1));
        var deletions = new Dictionary<string, string>(StringComparer.Ordinal);
        (token, _) = await SyncAsync(mirror, token, limit: 100, deletions);

        Assert.DoesNotContain(id, mirror.Keys);
        Assert.Equal("unpublished", deletions[id]);
    }

    [Fact]
    public async Task ACaughtUpToken_MovesOn_EvenWhenNothingChanged_SoAQuietClientNeverExpires()
    {
        var (token, _) = await SyncAsync([], null, limit: 100);
        var retention = fixture.Services.GetRequiredService<IOptions<ChangeOptions>>().Value.Retention;
        for (var month = 0; month < 3; month++)
        {
            fixture.Clock.Advance(retention / 2);
            var page = await Sync.ReadChangesAsync(SyncToken.TryParse(token)!, 100, default); // a token half a retention old: taken
            token = page.SyncToken!;
        }

        Assert.True(SyncToken.TryParse(token)!.Stamp > fixture.Clock.GetUtcNow() - retention);
    }

    [Fact]
    public async Task AnExpiredToken_IsRefused_AndAForgedOne_IsNotAToken()
    {
        var (token, _) = await SyncAsync([], null, limit: 100);
        Assert.Null(SyncToken.TryParse("not-a-token"));
        Assert.Null(SyncToken.TryParse(Convert.ToBase64String("d|123"u8.ToArray())));

        var retention = fixture.Services.GetRequiredService<IOptions<ChangeOptions>>().Value.Retention;
        fixture.Clock.Advance(retention + TimeSpan.FromMinutes(1));
        await Assert.ThrowsAsync<SyncTokenExpiredException>(() => Sync.ReadChangesAsync(SyncToken.TryParse(token)!, 10, default));

        // The log forgets what is older than the retention, and nothing newer.
        var kept = await fixture.IngestAsync(new ArticleText { IsPublished = true });
        var log = fixture.Services.GetRequiredService<ChangeLog>();
        Assert.True(await log.PruneAsync(default) > 0);
        var left = await fixture.IndexTable.QueryAsync<TableEntity>(e => e.PartitionKey == Storage.IndexPartitions.Changes).ToListAsync();
        Assert.Equal([kept], left.Select(static e => e.GetString("ChangedArticle")).Distinct());
    }

    /// <summary>Syncs to the end, applying each page to <paramref name="mirror"/>; returns the sync token and the pages read.</summary>
    private async Task<(string Token, int Pages)> SyncAsync(Dictionary<string, string> mirror, string? token, int limit, Dictionary<string, string>? deletions = null)
    {
        for (var pages = 1; pages < 100; pages++)
        {
            var parsed = token is null ? null : SyncToken.TryParse(token) ?? throw new InvalidOperationException($"The API gave a token it cannot read: {token}");
            var page = parsed is null || parsed.Continuation is not null
                ? await Sync.ReadInitialAsync(parsed, limit, default)
                : await Sync.ReadChangesAsync(parsed, limit, default);
            foreach (var article in page.Articles)
            {
                mirror[article.Id] = article.Title;
                deletions?.Remove(article.Id);
            }

            foreach (var deleted in page.Deleted)
            {
                mirror.Remove(deleted.Id);
                deletions?[deleted.Id] = deleted.Reason; // an article may leave in two entries (expired by now, then moved)
            }

            if (page.SyncToken is { } done)
            {
                return (done, pages);
            }

            token = page.NextPageToken ?? throw new InvalidOperationException("A page with neither token.");
        }

        throw new InvalidOperationException("The sync never ended.");
    }

    private async Task<IOrderedEnumerable<string>> PublishedSetAsync()
    {
        var ids = new List<string>();
        var index = fixture.Services.GetRequiredService<ArticleIndex>();
        string? next = null;
        do
        {
            (var items, next) = await index.ReadPageAsync(IndexPartitions.Published, 100, next, default);
            ids.AddRange(items.Where(i => i.StateAt(fixture.Clock.GetUtcNow()) == Articles.ArticleState.Published).Select(static i => i.Id));
        }
        while (next is not null);

        return ids.Order(StringComparer.Ordinal);
    }
}
