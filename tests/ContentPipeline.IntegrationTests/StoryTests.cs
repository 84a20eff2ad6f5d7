using Azure.Core;
using ContentPipeline.Feeds;
using ContentPipeline.Ingest;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Parsing;
using ContentPipeline.Ranking;
using ContentPipeline.Storage;
using ContentPipeline.Stories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ContentPipeline.IntegrationTests;

/// <summary>
/// Stories against Azurite: ingest groups one news item told by several providers (and keeps look-alikes apart), lists
/// and lookups say each article's story and sources, story lists show a story once, hot ranking counts the sources,
/// editors' splits and merges need the story's tag and survive new uploads and deletions, two instances ingesting one
/// story at the same moment end with one story, feeds can list stories, and one ingest costs a bounded number of requests.
/// </summary>
public sealed class StoryTests(StoryTests.Fixture fixture) : IClassFixture<StoryTests.Fixture>
{
    private IServiceProvider Services => fixture.Services;

    private ArticleQueries Queries => Services.GetRequiredService<ArticleQueries>();

    private StoryQueries Stories => Services.GetRequiredService<StoryQueries>();

    private StoryEditor Editor => Services.GetRequiredService<StoryEditor>();

    /// <summary>Three providers' rewrites of one news item (names unique to the test), and a look-alike of another subject.</summary>
    private static (ArticleText[] Story, ArticleText LookAlike) News(string category, DateTimeOffset at)
    {
        // Names and figures of its own, as two real news items have: the rule needs most of them shared.
        var subject = $"Zorvania{Guid.NewGuid():N}"[..16];
        var rival = $"Quellmark{Guid.NewGuid():N}"[..16];
        var (yes, no, rivalYes, rivalNo) = (Random.Shared.Next(100, 1000), Random.Shared.Next(1000, 5000), Random.Shared.Next(5000, 7000), Random.Shared.Next(7000, 9000));
        ArticleText Tell(string title, string excerpt, string provider, int quality, double hours) => new()
        {
            IsPublished = true, Category = category, Title = title, Excerpt = excerpt, ProviderName = provider, ProviderDomain = $"{provider.ToLowerInvariant()}.example",
            Url = $"https://{provider.ToLowerInvariant()}.example/{Guid.NewGuid():N}", Quality = quality, Published = at.AddHours(hours), Heat = 10,
        };
        return (
            [
                Tell($"{subject} bans facial recognition in public spaces", $"Lawmakers in {subject} voted {yes} to {no} for the ban on Monday.", "Alpha", 40, -5),
                Tell($"Facial recognition banned by {subject} - Beta", $"The ban passed {yes} to {no} in {subject}, ending years of debate.", "Beta", 80, -4),
                Tell($"Why {subject} bans facial recognition", $"The vote in {subject} was {yes} to {no}. Critics called it overdue.", "Gamma", 60, -3),
            ],
            Tell($"{rival} bans facial recognition in public spaces", $"Lawmakers in {rival} voted {rivalYes} to {rivalNo} for the ban on Tuesday.", "Delta", 90, -2));
    }

    [Fact]
    public async Task OneNewsItemFromThreeProviders_IsOneStory_WithThreeSources_ALeadOfHighestQuality_AndTheLookAlikeApart()
    {
        var category = $"st{Guid.NewGuid():N}"[..12];
        var (story, lookAlike) = News(category, fixture.Clock.GetUtcNow());
        var ids = new List<string>();
        foreach (var file in story)
        {
            ids.Add(await fixture.IngestAsync(file));
        }

        var other = await fixture.IngestAsync(lookAlike);

        var page = await Queries.ListAsync(new ArticleListRequest(ArticleStatus.Published, new ArticleFilter(ArticleFilterKind.Category, category), 10, null, VisibleOnly: true), default);
        var links = page.Items.ToDictionary(static i => i.Id, static i => i.Story);
        var storyId = links[ids[0]]!.Id;
        Assert.All(ids, id => Assert.Equal(new StoryLink(storyId, 3), links[id]));
        Assert.NotEqual(storyId, links[other]!.Id);
        Assert.Equal(1, links[other]!.Sources);

        var detail = await Stories.GetAsync(storyId, visibleOnly: true, default);
        Assert.NotNull(detail);
        Assert.Equal(ids[1], detail.Lead.Id); // quality 80
        Assert.Equal([ids[2], ids[0]], detail.Articles.Select(static a => a.Id)); // the others, newest first
        Assert.Equal(3, detail.Sources);

        // The story list shows it once, beside the look-alike, newest first.
        var stories = await Queries.ListStoriesAsync(new ArticleListRequest(ArticleStatus.Published, new ArticleFilter(ArticleFilterKind.Category, category), 10, null, VisibleOnly: true), default);
        Assert.Equal([other, ids[1]], stories.Items.Select(static s => s.Lead.Id));
        Assert.Equal([storyId, links[other]!.Id], stories.Items.Select(static s => s.Id).Reverse());
        Assert.Equal(3, stories.Items[1].Sources);
        Assert.Equal([ids[2], ids[0]], stories.Items[1].Articles.Select(static a => a.Id));
    }

    [Fact]
    public async Task ReadersSeeOnlyPublishedArticlesOfAStory_AndAStoryWithNoneIsNotFound()
    {
        var category = $"st{Guid.NewGuid():N}"[..12];
        var (story, _) = News(category, fixture.Clock.GetUtcNow());
        var published = await fixture.IngestAsync(story[0]);
        var draft = await fixture.IngestAsync(story[1] with { IsPublished = false });
        var storyId = (await Services.GetRequiredService<StoryStore>().GetMembershipAsync(draft, default))!.StoryId;

        var forReaders = await Stories.GetAsync(storyId, visibleOnly: true, default);
        var forEditors = await Stories.GetAsync(storyId, visibleOnly: false, default);

        Assert.Equal(published, forReaders!.Lead.Id);
        Assert.Empty(forReaders.Articles);
        Assert.Equal(draft, forEditors!.Lead.Id); // quality 80, a draft: editors see it

        // Readers' source counts count what they see: the draft's provider is not one of them, anywhere.
        Assert.Equal((1, 2), (forReaders.Sources, forEditors.Sources));
        var filter = new ArticleFilter(ArticleFilterKind.Category, category);
        Assert.Equal(new StoryLink(storyId, 1), (await Queries.ListAsync(new ArticleListRequest(ArticleStatus.Published, filter, 10, null, VisibleOnly: true), default)).Items.Single().Story);
        Assert.Equal(new StoryLink(storyId, 2), (await Queries.ListAsync(new ArticleListRequest(ArticleStatus.Published, filter, 10, null), default)).Items.Single().Story);
        Assert.Equal(1, (await Queries.ListStoriesAsync(new ArticleListRequest(ArticleStatus.Published, filter, 10, null, VisibleOnly: true), default)).Items.Single().Sources);
        var lone = await fixture.IngestAsync(new ArticleText { IsPublished = false, Title = $"Unrelated {Guid.NewGuid():N}", Excerpt = "Nothing alike." });
        Assert.Null(await Stories.GetAsync((await Services.GetRequiredService<StoryStore>().GetMembershipAsync(lone, default))!.StoryId, visibleOnly: true, default));
    }

    [Fact]
    public async Task ASplit_NeedsTheCurrentTag_AndSurvivesANewUpload_AndADeletionAndANewUpload()
    {
        var category = $"st{Guid.NewGuid():N}"[..12];
        var (files, _) = News(category, fixture.Clock.GetUtcNow());
        var names = new List<string>();
        foreach (var file in files)
        {
            names.Add(await UploadAsync(file));
        }

        var ids = files.Select(static f => ContentPipeline.Articles.ArticleId.FromUrl(new Uri(f.Url))).ToList();
        var store = Services.GetRequiredService<StoryStore>();
        var storyId = (await store.GetMembershipAsync(ids[0], default))!.StoryId;
        var story = await Stories.GetAsync(storyId, visibleOnly: false, default);

        Assert.Equal(StoryEditOutcome.PreconditionFailed, (await Editor.SplitAsync(storyId, ids[2], "\"stale\"", default)).Outcome);
        var split = await Editor.SplitAsync(storyId, ids[2], story!.Tag, default);
        Assert.Equal(StoryEditOutcome.Done, split.Outcome);
        Assert.Equal(StoryEditOutcome.PreconditionFailed, (await Editor.SplitAsync(storyId, ids[1], story.Tag, default)).Outcome); // the tag moved on
        var own = split.Story!.Id;
        Assert.Equal(new StoryMembership(own, 1, 1, Pinned: true), await store.GetMembershipAsync(ids[2], default));
        Assert.Equal(2, (await store.GetMembershipAsync(ids[0], default))!.Sources);

        // A new upload of its file (an edit), then a deletion and a new upload: it stays where the editor put it.
        await fixture.Incoming.GetBlobClient(names[2]).UploadAsync(BinaryData.FromBytes((files[2] with { Body = "Edited.\n" }).ToBytes()), overwrite: true);
        await Services.GetRequiredService<IngestService>().IngestInStepAsync(names[2]);
        Assert.Equal(own, (await store.GetMembershipAsync(ids[2], default))!.StoryId);

        await fixture.Incoming.GetBlobClient(names[2]).DeleteAsync();
        Assert.Equal(DeletionOutcome.Removed, await Services.GetRequiredService<DeletedFileHandler>().HandleAsync(StorageNames.IncomingContainer, names[2], default));
        Assert.Null(await Stories.GetAsync(own, visibleOnly: false, default));
        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
        await UploadAsync(files[2], names[2]);
        Assert.Equal(new StoryMembership(own, 1, 1, Pinned: true), await store.GetMembershipAsync(ids[2], default));
        Assert.Equal(2, (await Stories.GetAsync(storyId, visibleOnly: true, default))!.Articles.Count + 1);
    }

    [Fact]
    public async Task AMerge_MovesEveryArticle_NeedsTheTag_AndDeletesTheOtherStory()
    {
        var category = $"st{Guid.NewGuid():N}"[..12];
        var (files, lookAlike) = News(category, fixture.Clock.GetUtcNow());
        var ids = new List<string>();
        foreach (var file in files.Append(lookAlike))
        {
            ids.Add(await fixture.IngestAsync(file));
        }

        var store = Services.GetRequiredService<StoryStore>();
        var (storyId, otherId) = ((await store.GetMembershipAsync(ids[0], default))!.StoryId, (await store.GetMembershipAsync(ids[3], default))!.StoryId);
        var story = await Stories.GetAsync(storyId, visibleOnly: false, default);

        Assert.Equal(StoryEditOutcome.Refused, (await Editor.MergeAsync(storyId, storyId, story!.Tag, default)).Outcome);
        Assert.Equal(StoryEditOutcome.PreconditionFailed, (await Editor.MergeAsync(storyId, otherId, "\"stale\"", default)).Outcome);
        var merged = await Editor.MergeAsync(storyId, otherId, story.Tag, default);

        Assert.Equal(StoryEditOutcome.Done, merged.Outcome);
        Assert.Equal(4, merged.Story!.Sources);
        Assert.Null(await store.GetStoryAsync(otherId, default));
        Assert.Equal(new StoryMembership(storyId, 4, 4, Pinned: true), await store.GetMembershipAsync(ids[3], default));
        var listed = await Queries.ListAsync(new ArticleListRequest(ArticleStatus.Published, new ArticleFilter(ArticleFilterKind.Category, category), 10, null, VisibleOnly: true), default);
        Assert.All(listed.Items, i => Assert.Equal(new StoryLink(storyId, 4), i.Story));
        Assert.Equal(ids[3], (await Stories.GetAsync(storyId, visibleOnly: true, default))!.Lead.Id); // quality 90
    }

    [Fact]
    public async Task AWriterThatLostARace_WritesNothing_NotEvenTheMembersRows()
    {
        var (files, lookAlike) = News($"st{Guid.NewGuid():N}"[..12], fixture.Clock.GetUtcNow());
        var first = await fixture.IngestAsync(files[0]);
        var other = await fixture.IngestAsync(lookAlike);
        var store = Services.GetRequiredService<StoryStore>();
        var read = (await store.GetStoryAsync((await store.GetMembershipAsync(first, default))!.StoryId, default))!;
        await fixture.IngestAsync(files[1]); // the story changes after it was read

        // A late write from the old read (an editor's stale merge, a slow instance): refused whole.
        var stale = read.With(new StoryMember(other, "delta.example", 90, fixture.Clock.GetUtcNow()));
        Assert.Null(await store.TryCommitAsync([stale], [], default));

        Assert.NotEqual(read.Id, (await store.GetMembershipAsync(other, default))!.StoryId);
        Assert.Equal(2, (await store.GetStoryAsync(read.Id, default))!.Members.Count);
    }

    [Fact]
    public async Task TwoInstancesIngestingOneStoryAtTheSameMoment_EndWithOneStory()
    {
        var category = $"st{Guid.NewGuid():N}"[..12];
        var (files, _) = News(category, fixture.Clock.GetUtcNow());
        await using var second = fixture.NewInstance();
        var names = new List<string>();
        foreach (var file in files)
        {
            var name = $"{Guid.NewGuid():N}.txt";
            await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes()));
            names.Add(name);
        }

        // All three at once, two on one instance and one on the other: each is filed while the others are being assigned.
        await Task.WhenAll(
            Services.GetRequiredService<IngestService>().IngestInStepAsync(names[0]),
            second.GetRequiredService<IngestService>().IngestInStepAsync(names[1]),
            Services.GetRequiredService<IngestService>().IngestInStepAsync(names[2]));

        var store = Services.GetRequiredService<StoryStore>();
        var ids = files.Select(static f => ContentPipeline.Articles.ArticleId.FromUrl(new Uri(f.Url)));
        var stories = (await Task.WhenAll(ids.Select(id => store.GetMembershipAsync(id, default)))).Select(static m => m!.StoryId).Distinct().ToList();
        Assert.Single(stories);
        Assert.Equal(3, (await store.GetStoryAsync(stories[0], default))!.Members.Count);
    }

    [Fact]
    public async Task AHotList_CountsAStorysSources()
    {
        var category = $"st{Guid.NewGuid():N}"[..12];
        var now = fixture.Clock.GetUtcNow();
        var (files, _) = News(category, now);

        // The same heat, quality and age: the article covered by three sources ranks above one covered by one.
        var alone = await fixture.IngestAsync(files[0] with { Title = $"Solo{Guid.NewGuid():N} opens a bridge", Excerpt = "Nothing else alike.", Url = $"https://solo.example/{Guid.NewGuid():N}", ProviderDomain = "solo.example" });
        var covered = new List<string>();
        foreach (var file in files)
        {
            covered.Add(await fixture.IngestAsync(file with { Published = files[0].Published, Quality = 40 }));
        }

        var hot = await Queries.ListAsync(new ArticleListRequest(ArticleStatus.Published, new ArticleFilter(ArticleFilterKind.Category, category), 10, null, VisibleOnly: true, Order: ArticleOrder.Hot), default);

        Assert.Equal(alone, hot.Items[^1].Id);
        var options = Services.GetRequiredService<IOptions<RankingOptions>>().Value;
        Assert.True(HotScore.Of(hot.Items[0], fixture.Clock.GetUtcNow(), options, 3) > HotScore.Of(hot.Items[^1], fixture.Clock.GetUtcNow(), options, 1));
        Assert.All(hot.Items.Take(3), i => Assert.Equal(3, i.Story!.Sources));
    }

    [Fact]
    public async Task AFeedSetToListStories_ShowsAStoryOnce_AsItsLead()
    {
        var (files, lookAlike) = News(StoryFeedCategory, fixture.Clock.GetUtcNow());
        var ids = new List<string>();
        foreach (var file in files.Append(lookAlike))
        {
            ids.Add(await fixture.IngestAsync(file));
        }

        await Services.GetRequiredService<FeedPublisher>().PublishAsync(default);
        var json = System.Text.Json.JsonDocument.Parse((await fixture.Blobs.GetBlobContainerClient(StorageNames.FeedsContainer).GetBlobClient($"category/{StoryFeedCategory}.json").DownloadContentAsync()).Value.Content.ToString());
        var items = json.RootElement.GetProperty("items").EnumerateArray().Select(static i => i.GetProperty("url").GetString()).ToList();

        Assert.Equal([lookAlike.Url, files[1].Url], items); // the story once, as its lead (quality 80), where its newest article is
        var all = System.Text.Json.JsonDocument.Parse((await fixture.Blobs.GetBlobContainerClient(StorageNames.FeedsContainer).GetBlobClient("all.json").DownloadContentAsync()).Value.Content.ToString());
        Assert.Contains(files[0].Url, all.RootElement.GetProperty("items").EnumerateArray().Select(static i => i.GetProperty("url").GetString())); // other feeds list articles
    }

    [Fact]
    public async Task PuttingANewArticleIntoItsStory_CostsABoundedNumberOfRequests()
    {
        var counter = new RequestCounter();
        await using var counted = fixture.NewInstance(tables => tables.AddPolicy(counter, HttpPipelinePosition.PerCall));
        var (files, _) = News($"st{Guid.NewGuid():N}"[..12], fixture.Clock.GetUtcNow());
        await fixture.IngestAsync(files[0]);
        var parser = Services.GetRequiredService<FrontMatterParser>();
        var article = parser.Parse(files[1].ToBytes(), "second.txt").Article!;
        var keys = StoryAssigner.FingerprintOf(article).Keys.Count;

        var before = counter.Count;
        var joined = await counted.GetRequiredService<StoryAssigner>().AssignAsync(article, shown: true, created: false, default);
        var joining = counter.Count - before;
        before = counter.Count;
        await counted.GetRequiredService<StoryAssigner>().AssignAsync(article, shown: true, created: false, default);
        var again = counter.Count - before;

        Assert.Equal(2, joined!.Sources);
        // A read and a write per key (filed, its candidates read), its membership, the candidate's membership, the story
        // read, then the story and its members' rows in one transaction: never a query.
        Assert.Equal(keys + keys + 1 + 1 + 1 + 1, joining);
        Assert.Equal(keys + 2, again); // a new delivery of the same file: its keys read (filed as it is), its membership and its story read
    }

    [Fact]
    public async Task AnArticleThatSawAMatchStillBeingAssigned_WaitsForItsStory_AndTheTwoEndInOne()
    {
        var (files, _) = News($"st{Guid.NewGuid():N}"[..12], fixture.Clock.GetUtcNow());
        var parser = Services.GetRequiredService<FrontMatterParser>();
        var (earlier, later) = (parser.Parse(files[0].ToBytes(), "a.txt").Article!, parser.Parse(files[1].ToBytes(), "b.txt").Article!);
        var store = Services.GetRequiredService<StoryStore>();

        // The earlier is filed under its keys and still being assigned (it looked before the later was filed, so it will
        // start a story of its own without seeing the later one).
        await store.FileAsync(earlier.Id, StoryAssigner.FingerprintOf(earlier), default);
        var assigning = Services.GetRequiredService<StoryAssigner>().AssignAsync(later, shown: true, created: true, default);
        await Wait.UntilAsync(async () => await store.GetMembershipAsync(later.Id, default) is not null, "the later one started its story");
        Assert.False(assigning.IsCompleted, "the later one waits for the earlier one's story");
        Assert.NotNull(await store.TrySaveAsync(new Story(earlier.Id, [StoryAssigner.MemberOf(earlier, shown: true)], null), default));

        var joined = await assigning;

        var storyId = (await store.GetMembershipAsync(earlier.Id, default))!.StoryId;
        Assert.Equal(new StoryMembership(storyId, 2, 2), joined);
        Assert.Equal(storyId, (await store.GetMembershipAsync(later.Id, default))!.StoryId);
    }

    [Fact]
    public async Task AnArticleLeftAloneByATryCutShort_JoinsItsStory_WhenTheTryIsRepeated()
    {
        var (files, _) = News($"st{Guid.NewGuid():N}"[..12], fixture.Clock.GetUtcNow());
        var first = await fixture.IngestAsync(files[0]);
        var article = Services.GetRequiredService<FrontMatterParser>().Parse(files[1].ToBytes(), "second.txt").Article!;
        var store = Services.GetRequiredService<StoryStore>();

        // What a crash between starting a story and looking again leaves: filed under its keys, alone in a story of its own.
        await store.FileAsync(article.Id, StoryAssigner.FingerprintOf(article), default);
        Assert.NotNull(await store.TrySaveAsync(new Story(article.Id, [StoryAssigner.MemberOf(article, shown: true)], null), default));
        Assert.NotEqual((await store.GetMembershipAsync(first, default))!.StoryId, (await store.GetMembershipAsync(article.Id, default))!.StoryId);

        var retried = await Services.GetRequiredService<StoryAssigner>().AssignAsync(article, shown: true, created: false, default);

        var storyId = (await store.GetMembershipAsync(first, default))!.StoryId;
        Assert.Equal(new StoryMembership(storyId, 2, 2), retried);
        Assert.Equal(storyId, (await store.GetMembershipAsync(article.Id, default))!.StoryId);
        Assert.Equal(new[] { first, article.Id }.Order(StringComparer.Ordinal), (await store.GetStoryAsync(storyId, default))!.Members.Select(static m => m.ArticleId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task KeyRowsWrittenMoreThanTwiceTheWindowAgo_ArePruned_OnceAnHour()
    {
        var id = await fixture.IngestAsync(new ArticleText { Title = $"Oldnews{Guid.NewGuid():N} happened", Published = fixture.Clock.GetUtcNow().AddDays(-30) });
        var table = fixture.Tables.GetTableClient(StorageNames.StoryKeysTable);
        // The key rows it is filed in: one per key, holding the newest few articles filed under it.
        List<Azure.Data.Tables.TableEntity> KeyRows() => [.. table.Query<Azure.Data.Tables.TableEntity>("PartitionKey gt 'key|' and PartitionKey lt 'key}'")
            .Where(r => System.Text.Encoding.UTF8.GetString(r.GetBinary("Entries") ?? []).Contains($"\"{id}\"", StringComparison.Ordinal))];
        int Rows() => KeyRows().Count;
        var written = KeyRows().Max(static r => r.Timestamp!.Value);
        Assert.True(Rows() > 0);

        // Kept while younger than twice the window, however old the article (a backfill), then pruned.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(written + StoryAssigner.KeysKeptFor - TimeSpan.FromMinutes(1));
        var prune = (TimeProvider at) => new StoryAssigner(Services.GetRequiredService<StoryStore>(), Services.GetRequiredService<StoryDirectory>(), at,
            Services.GetRequiredService<IOptions<StoryOptions>>(), Microsoft.Extensions.Logging.Abstractions.NullLogger<StoryAssigner>.Instance);
        var young = prune(clock);
        await young.PruneKeysAsync(default);
        Assert.True(Rows() > 0);

        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(0, await young.PruneKeysAsync(default)); // once an hour
        var older = prune(clock);
        Assert.True(await older.PruneKeysAsync(default) > 0);
        Assert.Equal(0, Rows());
    }

    private const string StoryFeedCategory = "storyfeed";

    private async Task<string> UploadAsync(ArticleText file, string? name = null)
    {
        name ??= $"{Guid.NewGuid():N}.txt";
        await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes()), overwrite: true);
        await Services.GetRequiredService<IngestService>().IngestInStepAsync(name);
        return name;
    }

    /// <summary>The category feed of <see cref="StoryFeedCategory"/> lists stories.</summary>
    public sealed class Fixture : PipelineFixture
    {
        // A long wait for a match still being assigned: the test of that wait must not depend on how loaded the machine is.
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Stories:Feeds:0", $"category/{StoryFeedCategory}"), new("Stories:PeerWait", "00:00:30")];
    }
}
