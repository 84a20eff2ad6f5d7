using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using ContentPipeline.Articles;
using ContentPipeline.Feeds;
using ContentPipeline.Hosting;
using ContentPipeline.Ingest;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Parsing;
using ContentPipeline.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ContentPipeline.Benchmarks;

/// <summary>
/// Whether each operation's cost is independent of the archive's size: the same operations on an archive of N and of
/// 10N published articles (seeded raw, each in an Azurite of its own), with time, storage requests, entities read and
/// peak memory of each, and the 10N/N ratio of every figure. Each operation also has a floor in the same archive (its
/// storage requests made raw), which shows how much of a change in time is the storage's own; the full feed run is
/// compared with its floor directly (raw reads of the same lists, raw uploads of the same files, eight at a time).
/// </summary>
public sealed class ArchiveBench(int size)
{
    /// <summary>Peaks below this are within what sampling the heap can tell apart: ratios are taken from here up.</summary>
    public const long PeakResolution = 256 * 1024;

    private const int Repetitions = 40;
    private const int FullRuns = 5;
    private const int InFlight = 8;

    public async Task<string> RunAsync()
    {
        Console.WriteLine("Warming up (a small archive, not measured)...");
        await MeasureArchiveAsync(200, quiet: true); // JIT and connection pools: the first archive measured must not pay for them
        var small = await MeasureArchiveAsync(size);
        var large = await MeasureArchiveAsync(size * 10);
        return Table(small, large);
    }

    private sealed record ArchiveRun(int Size, IReadOnlyList<ArchiveMeasurement> Measurements, int Feeds, int FeedFiles);

    private static async Task<ArchiveRun> MeasureArchiveAsync(int count, bool quiet = false)
    {
        await using var azurite = await Azurite.StartAsync();
        var meter = new StorageMeter();
        await using var services = Services(azurite.ConnectionString, meter);
        await services.GetRequiredService<StorageProvisioner>().EnsureCreatedAsync(CancellationToken.None);
        var clock = Stopwatch.StartNew();
        var raw = new Raw(new TableServiceClient(azurite.ConnectionString), new BlobServiceClient(azurite.ConnectionString));
        var ids = await ArchiveSeeder.SeedAsync(raw.Tables, count);
        if (!quiet)
        {
            Console.WriteLine($"Archive of {count:N0}: seeded in {clock.Elapsed.TotalSeconds:N0} s");
        }

        var publisher = services.GetRequiredService<FeedPublisher>();
        var store = services.GetRequiredService<ArticleStore>();
        var queries = services.GetRequiredService<ArticleQueries>();
        var ingest = services.GetRequiredService<IngestService>();
        var maxItems = services.GetRequiredService<IOptions<FeedOptions>>().Value.MaxItems;
        var incoming = raw.Blobs.GetBlobContainerClient(StorageNames.IncomingContainer);
        var arrivals = Corpus.Generate(Repetitions + 1, seed: 99, firstIndex: 900_000, published: DateTimeOffset.UtcNow);
        var floorArrivals = Corpus.Generate(Repetitions, seed: 98, firstIndex: 950_000, published: DateTimeOffset.UtcNow);
        foreach (var file in arrivals.Concat(floorArrivals))
        {
            await incoming.UploadBlobAsync(file.Name, BinaryData.FromBytes(file.Bytes));
        }

        await raw.Blobs.GetBlobContainerClient(Raw.FloorContainer).CreateIfNotExistsAsync();
        var random = new Random(5);
        var lookups = Enumerable.Range(0, Repetitions).Select(_ => ids[random.Next(ids.Count)]).ToArray();
        ArticleFilter?[] lists = [null, new(ArticleFilterKind.Category, "science"), new(ArticleFilterKind.Topic, "ai"), new(ArticleFilterKind.Provider, "reuters-com")];
        FeedRunResult? full = null;
        var measurements = new List<ArchiveMeasurement>();

        // Feed runs are minutes apart: the storage clock passes each run's margin before the next.
        await PassAsync(incoming);
        var feedSizes = new List<long>();
        measurements.Add(await MeasureAsync(meter, quiet, new ArchiveOperation("Feed run, full (every feed from nothing)", FullRuns,
            async _ => full = await publisher.PublishAsync(default),
            _ => raw.FeedFloorAsync(FeedLists(), maxItems, feedSizes),
            async _ =>
            {
                feedSizes.Clear();
                feedSizes.AddRange(await raw.ClearFeedsAsync()); // every run starts from nothing; the floor writes what the last run wrote
                publisher = ActivatorUtilities.CreateInstance<FeedPublisher>(services);
            })));
        await PassAsync(incoming);
        measurements.Add(await MeasureAsync(meter, quiet, new ArchiveOperation("Feed run, nothing changed", Repetitions,
            async _ => await publisher.PublishAsync(default),
            async _ => await raw.Index.GetEntityIfExistsAsync<TableEntity>(IndexPartitions.Catalog, IndexPartitions.Published))));
        var changed = await ingest.IngestAsync(StorageNames.IncomingContainer, arrivals[^1].Name, default);
        await changed.Indexed;
        var changedLists = await FeedListsOfAsync(store, changed.ArticleId!);
        await PassAsync(incoming);
        measurements.Add(await MeasureAsync(meter, quiet, new ArchiveOperation("Feed run after one new article", 1,
            async _ => await publisher.PublishAsync(default),
            _ => raw.FeedFloorAsync(changedLists, maxItems, feedSizes))));
        measurements.Add(await MeasureAsync(meter, quiet, new ArchiveOperation("Lookup (one article with its body)", Repetitions,
            async i => await store.GetAsync(lookups[i], includeBody: true, default),
            async i => await raw.Articles.GetEntityAsync<TableEntity>(lookups[i], StorageNames.ArticleRowKey))));
        measurements.Add(await MeasureAsync(meter, quiet, new ArchiveOperation("List page (20 newest of a list)", Repetitions,
            async i => await queries.ListAsync(new ArticleListRequest(ArticleStatus.Published, lists[i % lists.Length], 20, null), default),
            i => raw.FirstPageAsync(IndexPartitions.Of(lists[i % lists.Length]), 20))));
        measurements.Add(await MeasureAsync(meter, quiet, new ArchiveOperation("Ingest of one new file", Repetitions,
            async i => await (await ingest.IngestAsync(StorageNames.IncomingContainer, arrivals[i].Name, default)).Indexed, // the whole save, its entries too
            i => raw.IngestFloorAsync(floorArrivals[i]))));
        measurements.Add(await MeasureAsync(meter, quiet, new ArchiveOperation("repair-index, nothing to mend", Repetitions,
            async _ => await store.RepairAsync(includeRecent: true, default),
            i => raw.FirstPageAsync(IndexPartitions.Pending, 1000))));

        return new ArchiveRun(count, measurements, full!.Feeds, full.Written);

        IReadOnlyList<string> FeedLists() =>
            [IndexPartitions.Published, .. Corpus.CategorySlugs.Select(IndexPartitions.Category), .. Corpus.TopicSlugs.Select(IndexPartitions.Topic)];
    }

    /// <summary>The feeds' lists an article is in: the overall list, its category's and its topics'.</summary>
    private static async Task<IReadOnlyList<string>> FeedListsOfAsync(ArticleStore store, string id) =>
        IndexPartitions.For((await store.GetAsync(id, includeBody: false, default))!.Article, DateTimeOffset.UtcNow)
            .Select(k => k.PartitionKey)
            .Where(p => IndexPartitions.TryParseList(p, out var list) && FeedDefinition.Of(list) is not null)
            .ToList();

    /// <summary>
    /// Runs an operation and its floor in turns (so both meet the same conditions); time, requests and entities per
    /// run, the peak over all runs.
    /// </summary>
    private static async Task<ArchiveMeasurement> MeasureAsync(StorageMeter meter, bool quiet, ArchiveOperation operation)
    {
        var (elapsed, floor, requests, entities, peakBytes) = (TimeSpan.Zero, TimeSpan.Zero, 0L, 0L, 0L);
        for (var i = 0; i < operation.Times; i++)
        {
            if (operation.Prepare is { } prepare)
            {
                await prepare(i);
            }

            var before = meter.Read();
            var peak = MemoryPeak.Start();
            var clock = Stopwatch.StartNew();
            await operation.Run(i);
            elapsed += clock.Elapsed;
            peakBytes = Math.Max(peakBytes, peak.Stop());
            var after = meter.Read();
            (requests, entities) = (requests + after.Requests - before.Requests, entities + after.Entities - before.Entities);
            clock.Restart();
            await operation.Floor(i);
            floor += clock.Elapsed;
        }

        var measurement = new ArchiveMeasurement(operation.Name, elapsed.TotalMilliseconds / operation.Times,
            requests / (double)operation.Times, entities / (double)operation.Times, peakBytes, floor.TotalMilliseconds / operation.Times);
        if (!quiet)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {operation.Name}: {measurement.Milliseconds:0.0} ms (floor {measurement.FloorMilliseconds:0.0} ms), {measurement.Requests:0.#} requests, {measurement.Entities:0.#} entities, peak {peakBytes / 1024.0:N0} KiB"));
        }

        return measurement;
    }

    /// <summary>Waits until the storage service's clock (its Date header) is two seconds past its first reading.</summary>
    private static async Task PassAsync(BlobContainerClient container)
    {
        async Task<DateTimeOffset> NowAsync() => (await container.GetPropertiesAsync()).GetRawResponse().Headers.Date!.Value;
        var until = await NowAsync() + TimeSpan.FromSeconds(2);
        while (await NowAsync() < until)
        {
            await Task.Delay(100);
        }
    }

    /// <summary>The pipeline's services as the Functions app registers them, over clients that count their requests.</summary>
    private static ServiceProvider Services(string connectionString, StorageMeter meter)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(StorageConnection.Name, connectionString)]).Build();
        var services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IConfiguration>(configuration)
            .AddContentPipeline(configuration);
        services.AddSingleton(new TableServiceClient(connectionString, Metered(new TableClientOptions(), meter)));
        services.AddSingleton(new BlobServiceClient(connectionString, Metered(new BlobClientOptions(), meter)));
        services.AddSingleton(new QueueServiceClient(connectionString, Metered(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }, meter)));
        return services.BuildServiceProvider();
    }

    private static T Metered<T>(T options, StorageMeter meter)
        where T : ClientOptions
    {
        options.AddPolicy(meter, HttpPipelinePosition.PerCall);
        return options;
    }

    private static string Table(ArchiveRun small, ArchiveRun large)
    {
        static string Figures(ArchiveMeasurement m) =>
            string.Create(CultureInfo.InvariantCulture, $"{m.Milliseconds:0.0} ms (floor {m.FloorMilliseconds:0.0}) · {m.Requests:0.#} req · {m.Entities:0.#} ent · {m.PeakBytes / 1024.0:N0} KiB");
        static double Ratio(double large, double small) => small == 0 ? (large == 0 ? 1 : double.PositiveInfinity) : large / small;
        static string Show(double ratio) => double.IsPositiveInfinity(ratio) ? "∞" : ratio.ToString("0.00", CultureInfo.InvariantCulture);

        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"| Operation | N = {small.Size:N0} | 10N = {large.Size:N0} | time | time ÷ floor's | requests | entities | peak memory | ≤ 1.2 |\n")
            .Append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        foreach (var (s, l) in small.Measurements.Zip(large.Measurements))
        {
            var time = Ratio(l.Milliseconds, s.Milliseconds);
            var relative = time / Ratio(l.FloorMilliseconds, s.FloorMilliseconds);
            var (requests, entities) = (Ratio(l.Requests, s.Requests), Ratio(l.Entities, s.Entities));
            var peak = Ratio(Math.Max(l.PeakBytes, PeakResolution), Math.Max(s.PeakBytes, PeakResolution));
            // Time counts as independent of the archive when it is, or when it changes no more than the storage's own.
            var pass = Math.Min(time, relative) <= 1.2 && requests <= 1.2 && entities <= 1.2 && peak <= 1.2;
            text.Append(CultureInfo.InvariantCulture, $"| {s.Operation} | {Figures(s)} | {Figures(l)} ")
                .Append(CultureInfo.InvariantCulture, $"| {Show(time)} | {Show(relative)} | {Show(requests)} | {Show(entities)} | {Show(peak)} | {(pass ? "pass" : "short")} |\n");
        }

        var (fullSmall, fullLarge) = (small.Measurements[0], large.Measurements[0]);
        text.Append('\n')
            .Append(CultureInfo.InvariantCulture, $"Full feed run vs its floor (raw reads of the newest entries of the same {small.Feeds} lists + raw uploads of {small.FeedFiles} files of the same sizes, {InFlight} at a time): ")
            .Append(CultureInfo.InvariantCulture, $"N {fullSmall.FloorMilliseconds:0} ms ÷ {fullSmall.Milliseconds:0} ms = {fullSmall.FloorMilliseconds / fullSmall.Milliseconds:0.00}; ")
            .Append(CultureInfo.InvariantCulture, $"10N {fullLarge.FloorMilliseconds:0} ms ÷ {fullLarge.Milliseconds:0} ms = {fullLarge.FloorMilliseconds / fullLarge.Milliseconds:0.00} (goal ≥ 0.8).\n");
        return text.ToString();
    }

    /// <summary>The floors: the storage requests of each operation, made raw with the SDK.</summary>
    private sealed class Raw(TableServiceClient tables, BlobServiceClient blobs)
    {
        public const string FloorContainer = "floorfeeds";

        private readonly FrontMatterParser _parser = new(new FrontMatterLimits());

        public TableServiceClient Tables => tables;

        public BlobServiceClient Blobs => blobs;

        public TableClient Articles => tables.GetTableClient(StorageNames.ArticlesTable);

        public TableClient Index => tables.GetTableClient(StorageNames.IndexTable);

        public async Task FirstPageAsync(string partition, int limit)
        {
            await foreach (var _ in Index.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), limit).AsPages(null, limit))
            {
                break;
            }
        }

        /// <summary>Deletes every feed file; returns their sizes.</summary>
        public async Task<IReadOnlyList<long>> ClearFeedsAsync()
        {
            var feeds = blobs.GetBlobContainerClient(StorageNames.FeedsContainer);
            var sizes = new List<long>();
            await foreach (var blob in feeds.GetBlobsAsync(BlobTraits.None, BlobStates.None, null, default))
            {
                sizes.Add(blob.Properties.ContentLength ?? 0);
                await feeds.DeleteBlobAsync(blob.Name);
            }

            return sizes;
        }

        /// <summary>
        /// Reads the newest entries of each list, and uploads three files per list and one more (the feeds and
        /// index.json) of the sizes feed files have, eight requests at a time each.
        /// </summary>
        public async Task FeedFloorAsync(IReadOnlyList<string> lists, int maxItems, IReadOnlyList<long> sizes)
        {
            var average = sizes.Count == 0 ? 40_000 : (int)sizes.Average();
            var floor = blobs.GetBlobContainerClient(FloorContainer);
            await Parallel.ForEachAsync(lists, new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (list, _) => await FirstPageAsync(list, maxItems));
            await Parallel.ForEachAsync(Enumerable.Range(0, (lists.Count * 3) + 1), new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (i, ct) =>
                await floor.GetBlobClient($"f{i}").UploadAsync(BinaryData.FromBytes(new byte[average]), overwrite: true, ct));
        }

        /// <summary>
        /// The requests an ingest of a new file cannot do without: download it, insert its article, upsert its entries
        /// and the catalog rows of its lists, mark it in step, record the blob's outcome.
        /// </summary>
        public async Task IngestFloorAsync(Corpus.Document file)
        {
            var content = (await blobs.GetBlobContainerClient(StorageNames.IncomingContainer).GetBlobClient(file.Name).DownloadContentAsync()).Value.Content;
            var article = _parser.Parse(content.ToArray(), file.Name).Article!;
            var stored = Corpus.Stored(article, file.Name, ArticleJson.ContentHash(article));
            var keys = IndexPartitions.For(article, DateTimeOffset.UtcNow);
            await Articles.AddEntityAsync(ArticleEntityCodec.Encode(stored, keys, [], false, null));
            await Task.WhenAll(ArticleEntityCodec.EncodeSummaries(ArticleSummary.From(stored), keys).Select(e => Index.UpsertEntityAsync(e, TableUpdateMode.Replace)));
            await Index.SubmitTransactionAsync(keys.Select(k => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(IndexPartitions.Catalog, k.PartitionKey))));
            await Articles.UpdateEntityAsync(new TableEntity(article.Id, StorageNames.ArticleRowKey) { ["IndexSynced"] = true }, Azure.ETag.All, TableUpdateMode.Merge);
            await tables.GetTableClient(StorageNames.IngestStateTable).UpsertEntityAsync(new TableEntity("floor", article.Id) { ["Outcome"] = "Created" });
        }
    }
}
