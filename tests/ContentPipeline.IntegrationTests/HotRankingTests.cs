using ContentPipeline.Articles;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Ranking;
using ContentPipeline.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ContentPipeline.IntegrationTests;

/// <summary>
/// <c>order=hot</c> against Azurite: lists rank by heat, quality and age as the documented formula says, page without
/// repeats or gaps, rank only the list's newest window of entries (one read, whatever the list holds), and work on
/// every list, editors' ones included.
/// </summary>
public sealed class HotRankingTests(HotRankingTests.Fixture fixture) : IClassFixture<HotRankingTests.Fixture>
{
    private ArticleQueries Queries => fixture.Services.GetRequiredService<ArticleQueries>();

    [Fact]
    public async Task AHotList_RanksByTheScore_PagesWithoutRepeats_AndReadsOnlyItsWindow()
    {
        var category = $"hot{Guid.NewGuid():N}"[..16];
        var now = fixture.Clock.GetUtcNow();
        var files = new[]
        {
            (Name: "old but very hot", Age: 30.0, Heat: 500),
            (Name: "new and warm", Age: 1.0, Heat: 20),
            (Name: "new and cold", Age: 1.5, Heat: 0),
            (Name: "middle and hot", Age: 6.0, Heat: 100),
            (Name: "new and hot", Age: 2.0, Heat: 90),
        };
        var stored = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, age, heat) in files)
        {
            stored[await fixture.IngestAsync(new ArticleText { IsPublished = true, Category = category, Title = name, Published = now.AddHours(-age), Heat = heat })] = name;
        }

        // Older than the window (5 here): never ranked, however hot.
        await fixture.IngestAsync(new ArticleText { IsPublished = true, Category = category, Title = "ancient and scorching", Published = now.AddDays(-30), Heat = 100_000 });

        var options = fixture.Services.GetRequiredService<IOptions<RankingOptions>>().Value;
        var titles = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Queries.ListAsync(new ArticleListRequest(ArticleStatus.Published, new ArticleFilter(ArticleFilterKind.Category, category), 2, cursor, VisibleOnly: true, Order: ArticleOrder.Hot), default);
            titles.AddRange(page.Items.Select(static i => i.Title));
            var scores = page.Items.Select(i => HotScore.Of(i, fixture.Clock.GetUtcNow(), options)).ToList();
            Assert.Equal(scores.OrderDescending(), scores);
            cursor = page.Cursor;
        }
        while (cursor is not null);

        // The formula, worked by hand for these five (heat weight 1, quality 50 x 0.2 = 10, gravity 1.5, offset 2 h):
        // new and hot 101/4^1.5 = 12.6; new and warm 31/3^1.5 = 6.0; middle and hot 111/8^1.5 = 4.9;
        // new and cold 11/3.5^1.5 = 1.7; old but very hot 511/32^1.5 = 2.8.
        Assert.Equal(["new and hot", "new and warm", "middle and hot", "old but very hot", "new and cold"], titles);
    }

    [Fact]
    public async Task EveryList_TakesHot_TheEditorsToo_AndANewestCursorIsNoHotOne()
    {
        var category = $"hot{Guid.NewGuid():N}"[..16];
        var draft = await fixture.IngestAsync(new ArticleText { IsPublished = false, Category = category, Heat = 7 });

        var drafts = await Queries.ListAsync(new ArticleListRequest(ArticleStatus.Draft, null, 100, null, Order: ArticleOrder.Hot), default);
        var all = await Queries.ListAsync(new ArticleListRequest(ArticleStatus.All, null, 100, null, Order: ArticleOrder.Hot), default);

        Assert.Contains(draft, drafts.Items.Select(static i => i.Id));
        Assert.Contains(draft, all.Items.Select(static i => i.Id));
        Assert.All(drafts.Items, static i => Assert.Equal("draft", i.State));
        var newest = await Queries.ListAsync(new ArticleListRequest(ArticleStatus.All, null, 1, null), default);
        await Assert.ThrowsAsync<InvalidCursorException>(() => Queries.ListAsync(new ArticleListRequest(ArticleStatus.All, null, 1, newest.Cursor, Order: ArticleOrder.Hot), default));
    }

    /// <summary>A window of five entries, so the test shows what lies beyond it.</summary>
    public sealed class Fixture : PipelineFixture
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Ranking:Window", "5")];
    }
}
