using System.Globalization;
using Azure.Core;
using Azure.Data.Tables;
using ContentPipeline.Articles;
using ContentPipeline.Corpus;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Stories;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ContentPipeline.Benchmarks;

/// <summary>
/// Story clustering on the labelled corpus, through the stories table in a fresh Azurite: pairwise precision and recall
/// when the articles arrive one by one and 16 at a time (as a busy host ingests them), and the table requests one
/// article costs against the floor of a key-based lookup (a read and a write per key, one story write).
/// </summary>
public sealed class StoryBench(Report report)
{
    private const int Concurrency = 16;

    public async Task RunAsync()
    {
        Console.WriteLine("Stories: the labelled corpus through the stories table...");
        var corpus = StoryCorpus.Build();
        var articles = corpus.Select(static (a, i) => new Article
        {
            Id = ArticleId.FromUrl(new Uri(a.Url)), Title = a.Title, Excerpt = a.Excerpt, WebUrl = a.Url, PublishedDateTime = a.Published, Category = "news",
            Provider = new ArticleProvider { Name = a.Provider, Domain = $"{a.Provider.ToLowerInvariant().Replace(' ', '-')}.example" },
            Related = [.. a.Related.Select(static r => new RelatedArticle { Title = "Related", WebUrl = r })], Quality = 40 + (i % 50),
        }).ToList();
        var keys = articles.Sum(static a => StoryAssigner.FingerprintOf(a).Keys.Count);

        foreach (var concurrency in new[] { 1, Concurrency })
        {
            await using var azurite = await Azurite.StartAsync();
            var counter = new RequestCounter();
            var options = new TableClientOptions();
            options.AddPolicy(counter, HttpPipelinePosition.PerCall);
            var tables = new TableServiceClient(azurite.ConnectionString, options);
            await tables.CreateTableIfNotExistsAsync(Storage.StorageNames.StoriesTable);
            await tables.CreateTableIfNotExistsAsync(Storage.StorageNames.StoryKeysTable);
            var store = new StoryStore(tables);
            var settings = Options.Create(new StoryOptions());
            var assigner = new StoryAssigner(store, new StoryDirectory(store, TimeProvider.System, settings), TimeProvider.System, settings, NullLogger<StoryAssigner>.Instance);

            var before = counter.Count;
            await Parallel.ForEachAsync(articles, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (article, ct) => await assigner.AssignAsync(article, shown: true, created: true, ct));
            var requests = counter.Count - before;
            var found = await Task.WhenAll(articles.Select(async a => (await store.GetMembershipAsync(a.Id, default))!.StoryId));
            var (precision, recall) = StoryCorpus.Score(corpus, found);
            var how = concurrency == 1 ? "one by one" : $"{concurrency} at a time";
            report.Add(new ReportRow(
                string.Create(CultureInfo.InvariantCulture, $"Stories: pairwise precision / recall, labelled corpus ({corpus.Count} articles, {corpus.Select(static a => a.Story).Distinct().Count()} stories) ingested {how}"),
                string.Create(CultureInfo.InvariantCulture, $"{precision:0.000} / {recall:0.000}"), "–", null, "≥ 0.9 both", precision >= 0.9 && recall >= 0.9));
            var floor = (2.0 * keys / articles.Count) + 1;
            report.Add(new ReportRow(
                $"Stories: table requests per article, {how}",
                string.Create(CultureInfo.InvariantCulture, $"{(double)requests / articles.Count:0.0}"),
                string.Create(CultureInfo.InvariantCulture, $"{floor:0.0} (a read and a write per key, {(double)keys / articles.Count:0.0} keys; one story write)"),
                floor / ((double)requests / articles.Count), "–", null));
        }
    }
}
