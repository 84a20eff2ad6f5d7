using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using ContentPipeline.Articles;
using ContentPipeline.Feeds;
using ContentPipeline.Hosting;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>
/// Three local host processes on one storage account, as Flex Consumption scales the app out, with hosts killed
/// outright and restarted in turn and every storage request held for 20 seconds once, while 2,000 files arrive.
/// </summary>
public sealed class ScaleOutChaosTests(ITestOutputHelper output)
{
    private const int Instances = 3;
    private const int Files = 2_000;
    private const int Categories = 7;

    [Fact]
    public async Task ThreeInstances_WithKillsAndAStorageFreeze_StoreEveryFileOnce_WithTheIndexInStep_AndLeaveNoWorker()
    {
        await using var azurite = await Azurite.StartAsync();
        await using var blobProxy = await StorageProxy.StartAsync(azurite.BlobPort);
        await using var queueProxy = await StorageProxy.StartAsync(azurite.QueuePort);
        await using var tableProxy = await StorageProxy.StartAsync(azurite.TablePort);
        var freeze = new Freeze();
        foreach (var proxy in new[] { blobProxy, queueProxy, tableProxy })
        {
            proxy.Policy = freeze.HoldAsync;
        }

        var storage = azurite.ConnectionString
            .Replace($"http://127.0.0.1:{azurite.BlobPort}/", $"{blobProxy.Address.AbsoluteUri}", StringComparison.Ordinal)
            .Replace($"http://127.0.0.1:{azurite.QueuePort}/", $"{queueProxy.Address.AbsoluteUri}", StringComparison.Ordinal)
            .Replace($"http://127.0.0.1:{azurite.TablePort}/", $"{tableProxy.Address.AbsoluteUri}", StringComparison.Ordinal);
        var hosts = Enumerable.Range(1, Instances).Select(i => new HostProcess($"instance-{i}", storage)).ToArray();
        var workers = new HashSet<int>();
        try
        {
            foreach (var host in hosts)
            {
                host.Start();
            }

            foreach (var host in hosts)
            {
                workers.Add(await host.WhenRunningAsync());
            }

            // 2,000 files arrive (straight into storage, as uploaders write) while hosts die and storage stalls.
            var clock = Stopwatch.StartNew();
            var incoming = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(StorageNames.IncomingContainer);
            await incoming.CreateIfNotExistsAsync();
            var articles = Enumerable.Range(0, Files).Select(i => (Name: $"chaos/{i:D4}.txt", File: new ArticleText { IsPublished = true, Category = $"chaos-{i % Categories}" })).ToList();
            var arrived = 0;
            var uploads = Parallel.ForEachAsync(articles, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (a, ct) =>
            {
                await incoming.GetBlobClient(a.Name).UploadAsync(BinaryData.FromBytes(a.File.ToBytes()), ct);
                Interlocked.Increment(ref arrived);
            });

            var kills = 0;
            for (var round = 0; round < Instances; round++)
            {
                if (round == 0)
                {
                    // The first kill lands while files arrive, however fast this machine uploads them: a quarter in.
                    await Wait.UntilAsync(() => Task.FromResult(Volatile.Read(ref arrived) >= Files / 4), "a quarter of the files uploaded", TimeSpan.FromMinutes(2));
                    Assert.False(uploads.IsCompleted, "files are still arriving when the first host dies");
                }
                else
                {
                    await Task.Delay(TimeSpan.FromSeconds(8));
                }

                var victim = hosts[round];
                victim.Kill(); // SIGKILL: no lease released, no message given back, its worker left to notice
                kills++;
                if (round == 1)
                {
                    await freeze.ForAsync(TimeSpan.FromSeconds(20)); // every storage request of every instance waits
                }

                victim.Start();
                workers.Add(await victim.WhenRunningAsync());
            }

            await uploads;
            var uploaded = clock.Elapsed;

            // Settled: every article stored once and in step, and no save left half done.
            var tables = new TableServiceClient(azurite.ConnectionString);
            var articlesTable = tables.GetTableClient(StorageNames.ArticlesTable);
            var index = tables.GetTableClient(StorageNames.IndexTable);
            var expected = articles.Select(a => ArticleId.FromUrl(new Uri(a.File.Url))).ToHashSet(StringComparer.Ordinal);
            List<TableEntity> stored = [];
            await Wait.UntilAsync(
                async () =>
                {
                    stored = await articlesTable.QueryAsync<TableEntity>(select: ["PartitionKey", ArticleEntityCodec.Props.IndexSynced]).ToListAsync();
                    return stored.Count >= Files && stored.All(e => e.GetBoolean(ArticleEntityCodec.Props.IndexSynced) == true)
                        && await index.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartitions.Pending}"), select: ["RowKey"]).AnyAsync() is false;
                },
                "every article is stored and in step",
                TimeSpan.FromMinutes(8));
            var settled = clock.Elapsed;

            Assert.Equal(expected.Order(StringComparer.Ordinal), stored.Select(e => e.PartitionKey).Order(StringComparer.Ordinal));
            var published = await index.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartitions.Published}"), select: ["ArticleId"]).ToListAsync();
            Assert.Equal(Files, published.Count);
            Assert.Equal(expected.Order(StringComparer.Ordinal), published.Select(e => e.GetString("ArticleId")).Order(StringComparer.Ordinal));
            var categoryCounts = new List<int>();
            for (var c = 0; c < Categories; c++)
            {
                var entries = await index.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartitions.Category($"chaos-{c}")}"), select: ["ArticleId"]).ToListAsync();
                Assert.Equal(entries.Count, entries.Select(e => e.GetString("ArticleId")).Distinct().Count());
                categoryCounts.Add(entries.Count);
            }

            Assert.Equal(Enumerable.Range(0, Categories).Select(c => articles.Count(a => a.File.Category == $"chaos-{c}")), categoryCounts);

            // Through the doors: an article answers on every instance, and one feed run lists every category.
            var sample = expected.First();
            foreach (var host in hosts)
            {
                using var response = await host.Http.GetAsync($"/api/articles/{sample}");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            using (var run = await hosts[0].Http.PostAsJsonAsync("/admin/functions/PublishFeeds", new { input = string.Empty }))
            {
                Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
            }

            var feeds = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(StorageNames.FeedsContainer);
            await Wait.UntilAsync(
                async () =>
                {
                    var index = feeds.GetBlobClient("index.json");
                    if (!(await index.ExistsAsync()).Value)
                    {
                        return false;
                    }

                    using var listing = JsonDocument.Parse((await index.DownloadContentAsync()).Value.Content.ToString());
                    var listed = listing.RootElement.GetProperty("feeds").EnumerateArray().ToList();
                    return listed.Count(f => f.GetProperty("kind").GetString() == "category") == Categories
                        && listed.Where(f => f.GetProperty("kind").GetString() == "category").Sum(f => f.GetProperty("items").GetInt32()) == Categories * Math.Min(50, Files / Categories);
                },
                "index.json lists every category's full feed",
                TimeSpan.FromSeconds(60));

            // The feeds equal a single instance's: the same storage, the feeds container emptied, one run of one
            // instance's publisher from nothing; every file byte for byte, and index.json listing the same feeds.
            var published3 = await DownloadAllAsync(feeds);
            await foreach (var blob in feeds.GetBlobsAsync())
            {
                await feeds.DeleteBlobAsync(blob.Name);
            }

            var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(StorageConnection.Name, storage)]).Build();
            await using (var single = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddContentPipeline(configuration).BuildServiceProvider())
            {
                await single.GetRequiredService<FeedPublisher>().PublishAsync(default);
            }

            var published1 = await DownloadAllAsync(feeds);
            Assert.Equal(published1.Keys.Order(StringComparer.Ordinal), published3.Keys.Order(StringComparer.Ordinal));
            foreach (var (path, content) in published1.Where(f => f.Key != FeedPublisher.IndexPath))
            {
                Assert.True(content.AsSpan().SequenceEqual(published3[path]), $"{path} differs from a single instance's");
            }

            Assert.Equal(FeedList(published1[FeedPublisher.IndexPath]), FeedList(published3[FeedPublisher.IndexPath]));

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Files} files, {Instances} instances, {kills} kill -9s, one 20 s freeze: uploads done at {uploaded.TotalSeconds:F0} s, settled at {settled.TotalSeconds:F0} s; {stored.Count} articles, {published.Count} published entries, 0 missing, 0 duplicates; {workers.Count} workers seen"));
        }
        finally
        {
            freeze.Thaw();
            foreach (var host in hosts)
            {
                host.Kill();
                host.Dispose();
            }
        }

        // Every host was killed outright at the end too: no worker outlives it.
        await Wait.UntilAsync(() => Task.FromResult(workers.All(HostProcess.HasExited)), "no worker outlives its host", TimeSpan.FromSeconds(20));
    }

    private static async Task<Dictionary<string, byte[]>> DownloadAllAsync(BlobContainerClient container)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await foreach (var blob in container.GetBlobsAsync())
        {
            files[blob.Name] = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
        }

        return files;
    }

    /// <summary>What index.json lists: each feed's kind, title, item count and URLs, in order.</summary>
    private static string FeedList(byte[] indexJson)
    {
        using var index = JsonDocument.Parse(indexJson);
        return string.Join('\n', index.RootElement.GetProperty("feeds").EnumerateArray().Select(f => f.ToString()));
    }

    /// <summary>Holds every storage request while frozen (the service stalls; nothing is refused).</summary>
    private sealed class Freeze
    {
        private TaskCompletionSource? _thaw;

        public async Task<HttpStatusCode?> HoldAsync(StorageRequest request)
        {
            if (Volatile.Read(ref _thaw) is { } thaw)
            {
                await thaw.Task;
            }

            return null;
        }

        public async Task ForAsync(TimeSpan duration)
        {
            Volatile.Write(ref _thaw, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            await Task.Delay(duration);
            Thaw();
        }

        public void Thaw() => Interlocked.Exchange(ref _thaw, null)?.TrySetResult();
    }
}
