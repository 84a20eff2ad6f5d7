using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using ContentPipeline.Articles;
using ContentPipeline.Changes;
using ContentPipeline.Feeds;
using ContentPipeline.Hosting;
using ContentPipeline.Ingest;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.LocalHost.Blobs;
using ContentPipeline.Parsing;
using ContentPipeline.Storage;
using ContentPipeline.Stories;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ContentPipeline.Benchmarks;

/// <summary>
/// Ingest, lookups and feeds end to end: a real Azurite, the local Functions host as its own process, the corpus
/// uploaded as an uploader would. Every figure has its floor measured here, in the same run, on the same data.
/// </summary>
public sealed partial class PipelineBench(Report report, IReadOnlyList<Corpus.Document> corpus, TimeSpan loadDuration, Breakdown? breakdown = null) : IAsyncDisposable
{
    private const int HostParallelism = 8;
    private Azurite? _azurite;
    private BenchHost? _host;
    private readonly List<string> _ids = [];
    private readonly List<(string[] Keys, byte[] Entry)> _storyKeys = [];

    public async Task RunAsync(bool ingestOnly)
    {
        _azurite = await Azurite.StartAsync();
        var blobs = new BlobServiceClient(_azurite.ConnectionString);
        var tables = new TableServiceClient(_azurite.ConnectionString);
        await IngestAsync(blobs, tables);
        if (ingestOnly)
        {
            return;
        }

        await LookupsAsync(tables);
        await FeedsAsync(tables, blobs);
    }

    private async Task IngestAsync(BlobServiceClient blobs, TableServiceClient tables)
    {
        // Azurite gets slower as it holds more (its blob store scans every blob of the account to find one, its table
        // store scans the partition, and its heap grows), so each floor runs in an Azurite of its own that starts from
        // the state the ingest starts from: the floors measure the work, not what ran before them.
        var (articles, index) = Entities();
        Console.WriteLine("Ingest floors, each in a fresh Azurite...");
        TimeSpan oneByOne, batched, required, requiredOnAzure, requiredWithStories;
        CpuShare floorCpu;
        await using (var fresh = await Azurite.StartAsync())
        {
            (oneByOne, batched) = await FloorsAsync(new TableServiceClient(fresh.ConnectionString), articles, index);
        }

        await using (var fresh = await Azurite.StartAsync())
        {
            var freshBlobs = new BlobServiceClient(fresh.ConnectionString);
            await UploadAsync(freshBlobs);
            required = await RequiredRequestsAsync(freshBlobs, new TableServiceClient(fresh.ConnectionString), articles, index);
        }

        await using (var fresh = await Azurite.StartAsync())
        {
            var freshBlobs = new BlobServiceClient(fresh.ConnectionString);
            await UploadAsync(freshBlobs);
            var storageBefore = ProcessCpu.Of(fresh.ProcessId);
            var clientBefore = ProcessCpu.Of(Environment.ProcessId);
            requiredOnAzure = await RequiredWithHostRequestsAsync(freshBlobs, new QueueServiceClient(fresh.ConnectionString), new TableServiceClient(fresh.ConnectionString), articles, index);
            floorCpu = new CpuShare(ProcessCpu.Of(fresh.ProcessId) - storageBefore, ProcessCpu.Of(Environment.ProcessId) - clientBefore);
        }

        await using (var fresh = await Azurite.StartAsync())
        {
            var freshBlobs = new BlobServiceClient(fresh.ConnectionString);
            await UploadAsync(freshBlobs);
            requiredWithStories = await RequiredWithHostRequestsAsync(freshBlobs, new QueueServiceClient(fresh.ConnectionString), new TableServiceClient(fresh.ConnectionString), articles, index, stories: true);
        }

        Console.WriteLine($"Ingest: uploading {corpus.Count:N0} files...");
        var upload = await UploadAsync(blobs);

        // The upload is excluded: the host starts once every file is in the container, and the clock starts when it is ready.
        _host = await BenchHost.StartAsync(_azurite!.ConnectionString, stageTimingsFile: breakdown?.WorkerFile);

        // As Event Grid delivers them: one BlobCreated event per file, posted to the blobs webhook (batches of 100), the
        // clock running from the first post. The stand-in raises nothing for blobs older than its subscription.
        // The host's memory is sampled while the events are still being posted, so both halves of the ingest are seen.
        var azuriteBefore = ProcessCpu.Of(_azurite.ProcessId);
        var (hostBefore, workerBefore) = (_host.HostCpuTime(), _host.WorkerCpuTime());
        var clock = Stopwatch.StartNew();
        var announcing = _host.AnnounceAsync(blobs.GetBlobContainerClient(StorageNames.IncomingContainer), corpus.Select(d => d.Name));
        var samples = new List<(long Done, long WorkingSet)>();
        while (true)
        {
            var (done, _) = await _host.IngestInvocationsAsync();
            samples.Add((done, _host.WorkingSet()));
            if (done >= corpus.Count)
            {
                break;
            }

            if (clock.Elapsed > TimeSpan.FromMinutes(30) || _host.Process.HasExited)
            {
                throw new InvalidOperationException($"Ingest stopped at {done} of {corpus.Count}.");
            }

            await Task.Delay(200);
        }

        await IndexInStep.WaitAsync(tables, TimeSpan.FromMinutes(5));
        clock.Stop();
        var (hostCpu, workerCpu) = (_host.HostCpuTime() - hostBefore, _host.WorkerCpuTime() - workerBefore);
        var ingestCpu = new CpuShare(ProcessCpu.Of(_azurite.ProcessId) - azuriteBefore, hostCpu + workerCpu);
        await announcing;
        var stored = await CountAsync(tables.GetTableClient(StorageNames.ArticlesTable));
        if (stored != corpus.Count)
        {
            throw new InvalidOperationException($"{stored} articles stored for {corpus.Count} files.");
        }

        var (_, failed) = await _host.IngestInvocationsAsync();
        if (failed > 0)
        {
            // Failed attempts are retried by the host (the count above is of successes): show why, not hide it.
            Console.WriteLine($"  {failed} ingest attempts failed and were retried; the host's first warnings:");
            foreach (var line in _host.Log.Take(40))
            {
                Console.WriteLine($"    {line}");
            }
        }

        if (breakdown is not null)
        {
            await breakdown.CaptureAsync("Ingest", _host, corpus.Count, clock.Elapsed);
        }

        var ingestRate = corpus.Count / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"  upload {corpus.Count / upload.TotalSeconds:N0} files/s (excluded); ingest {ingestRate:N0} articles/s");

        var oneByOneRate = corpus.Count / oneByOne.TotalSeconds;
        var batchedRate = corpus.Count / batched.TotalSeconds;
        var requiredRate = corpus.Count / required.TotalSeconds;
        report.Add(new ReportRow($"Ingest, {corpus.Count:N0} articles ({articles.Count + index.Count:N0} entities), upload excluded", Report.Rate(ingestRate, "articles"), $"{Report.Rate(batchedRate, "articles")} batched per partition", ingestRate / batchedRate, "≥ 0.80", ingestRate / batchedRate >= 0.8));
        report.Add(new ReportRow("Ingest vs one-by-one upserts of the same entities", Report.Rate(ingestRate, "articles"), $"{Report.Rate(oneByOneRate, "articles")} one by one ({HostParallelism} in flight)", ingestRate / oneByOneRate, "–", null));
        report.Add(new ReportRow("Ingest vs the requests it cannot skip, made raw", Report.Rate(ingestRate, "articles"), $"{Report.Rate(requiredRate, "articles")} download + insert + batched index and change log + synced mark + outcome record", ingestRate / requiredRate, "–", null));
        var onAzureRate = corpus.Count / requiredOnAzure.TotalSeconds;
        report.Add(new ReportRow("Ingest vs the requests it cannot skip on Azure, the host's included, made raw", Report.Rate(ingestRate, "articles"), $"{Report.Rate(onAzureRate, "articles")} the above + the webhook's put, receives of {BlobTriggerQueueListener.BatchSize(HostParallelism)}, the blob's HEAD, the message's delete", ingestRate / onAzureRate, "≥ 0.80", ingestRate / onAzureRate >= 0.8));
        var withStoriesRate = corpus.Count / requiredWithStories.TotalSeconds;
        report.Add(new ReportRow("Ingest vs the requests it cannot skip on Azure with stories on, made raw", Report.Rate(ingestRate, "articles"), $"{Report.Rate(withStoriesRate, "articles")} the above + a read and a write per story key ({(double)_storyKeys.Sum(static k => k.Keys.Length) / corpus.Count:0.0} keys), one story write", ingestRate / withStoriesRate, "≥ 0.80", ingestRate / withStoriesRate >= 0.8));
        // CPU per article, as this machine's two cores are what every figure here shares: the storage emulator's, and the
        // client's (the host and its worker for the ingest; the benchmark making the raw requests for the floor).
        report.Add(new ReportRow("Azurite CPU per article: the on-Azure floor's vs the ingest's", $"{ingestCpu.Storage.TotalMilliseconds / corpus.Count:0.0} ms", $"{floorCpu.Storage.TotalMilliseconds / corpus.Count:0.0} ms", floorCpu.Storage / ingestCpu.Storage, "–", null));
        report.Add(new ReportRow("Client CPU per article: the raw requests' vs the host's and worker's", $"{ingestCpu.Client.TotalMilliseconds / corpus.Count:0.0} ms (host {hostCpu.TotalMilliseconds / corpus.Count:0.0}, worker {workerCpu.TotalMilliseconds / corpus.Count:0.0})", $"{floorCpu.Client.TotalMilliseconds / corpus.Count:0.0} ms", floorCpu.Client / ingestCpu.Client, "–", null));
        report.Add(new ReportRow("Those raw requests vs the batched floor (the best ingest can reach here)", Report.Rate(requiredRate, "articles"), $"{Report.Rate(batchedRate, "articles")} batched per partition", requiredRate / batchedRate, "–", null));
        // Peak against peak: memory that grows with the articles ingested shows as a higher peak in the second half; a
        // point sample would instead catch the garbage collector at a random moment of its cycle.
        var firstHalf = samples.Where(s => s.Done < corpus.Count / 2).Select(s => s.WorkingSet).DefaultIfEmpty(0).Max();
        if (firstHalf == 0)
        {
            throw new InvalidOperationException("No memory sample fell in the first half of the ingest: the comparison would mean nothing.");
        }

        var secondHalf = samples.Where(s => s.Done >= corpus.Count / 2).Select(s => s.WorkingSet).DefaultIfEmpty(0).Max();
        var growth = firstHalf == 0 ? 0 : (double)secondHalf / firstHalf;
        report.Add(new ReportRow("Host peak working set, second half of the ingest", $"{secondHalf / 1024 / 1024:N0} MiB", $"{firstHalf / 1024 / 1024:N0} MiB peak in the first half", growth, "flat (≤ 1.25)", growth <= 1.25));
    }

    private async Task<TimeSpan> UploadAsync(BlobServiceClient blobs)
    {
        var incoming = blobs.GetBlobContainerClient(StorageNames.IncomingContainer);
        await incoming.CreateIfNotExistsAsync();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(corpus, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (d, ct) =>
            await incoming.GetBlobClient(d.Name).UploadAsync(BinaryData.FromBytes(d.Bytes), ct));
        return clock.Elapsed;
    }

    private (List<TableEntity> Articles, List<TableEntity> Index) Entities()
    {
        var parser = new FrontMatterParser(new FrontMatterLimits());
        var articles = new List<TableEntity>();
        var index = new List<TableEntity>();
        foreach (var document in corpus)
        {
            var article = parser.Parse(document.Bytes, document.Name).Article!;
            var stored = Corpus.Stored(article, document.Name, ArticleJson.ContentHash(article));
            var keys = IndexPartitions.For(article, DateTimeOffset.UtcNow);
            articles.Add(ArticleEntityCodec.Encode(stored, keys, [], true, null));
            var summary = ArticleSummary.From(stored);
            index.AddRange(ArticleEntityCodec.EncodeSummaries(summary, keys));
            if (article.StateAt(DateTimeOffset.UtcNow) is var state && ChangeLog.IsLogged(null, state))
            {
                index.Add(ChangeLog.Entry(summary, stored.Version, null, state, DateTimeOffset.UtcNow)); // its change-log entry (sync, webhooks)
            }
            _ids.Add(article.Id);
            var fingerprint = StoryAssigner.FingerprintOf(article);
            _storyKeys.Add(([.. fingerprint.Keys.Select(static k => StoryStore.KeyPrefix + k)], KeyEntry.Encode([KeyEntry.Of(article.Id, fingerprint)])));
        }

        return (articles, index);
    }

    private static async Task<(TimeSpan OneByOne, TimeSpan Batched)> FloorsAsync(TableServiceClient tables, List<TableEntity> articles, List<TableEntity> index)
    {
        var all = articles.Concat(index).ToList();
        var single = tables.GetTableClient("flooronebyone");
        await single.CreateIfNotExistsAsync();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(all, new ParallelOptions { MaxDegreeOfParallelism = HostParallelism }, async (e, ct) =>
            await single.UpsertEntityAsync(e, TableUpdateMode.Replace, ct));
        var oneByOne = clock.Elapsed;

        var batchedTable = tables.GetTableClient("floorbatched");
        await batchedTable.CreateIfNotExistsAsync();
        var batches = FullBatches(all);
        clock.Restart();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = HostParallelism }, async (batch, ct) =>
            await UpsertBatchAsync(batchedTable, batch, ct));
        return (oneByOne, clock.Elapsed);
    }

    /// <summary>Entities grouped by partition in transactions as full as the service allows.</summary>
    private static List<TableEntity[]> FullBatches(IEnumerable<TableEntity> entities) =>
        entities.GroupBy(e => e.PartitionKey).SelectMany(g => g.Chunk(GroupCommitWriter.MaxBatchOperations)).ToList();

    private static Task UpsertBatchAsync(TableClient table, TableEntity[] batch, CancellationToken cancellationToken) =>
        table.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), cancellationToken);

    /// <summary>
    /// The storage requests an ingest of these files cannot do without, made straight with the SDK at the host's
    /// parallelism: read each file (one ranged download), insert its article entity, write the index entries in full
    /// batches of 100 per partition (better than any group commit can do), mark the entity synced, and record the
    /// blob's outcome (what lets the sweep and re-deliveries skip it). What ingest spends beyond this (the pending
    /// record of a save, the catalog rows of the lists it touched) is the price of crash repair and of feed runs
    /// that cost what they publish.
    /// </summary>
    private async Task<TimeSpan> RequiredRequestsAsync(BlobServiceClient blobs, TableServiceClient tables, List<TableEntity> articles, List<TableEntity> index)
    {
        var incoming = blobs.GetBlobContainerClient(StorageNames.IncomingContainer);
        var outcomes = tables.GetTableClient("flooroutcomes");
        await outcomes.CreateIfNotExistsAsync();
        var articleTable = tables.GetTableClient("floorrequiredarticles");
        var indexTable = tables.GetTableClient("floorrequiredindex");
        await articleTable.CreateIfNotExistsAsync();
        await indexTable.CreateIfNotExistsAsync();
        var batches = FullBatches(index);
        var clock = Stopwatch.StartNew();
        var perArticle = Parallel.ForEachAsync(Enumerable.Range(0, corpus.Count), new ParallelOptions { MaxDegreeOfParallelism = HostParallelism }, async (i, ct) =>
        {
            using (var download = (await incoming.GetBlobClient(corpus[i].Name).DownloadStreamingAsync(new BlobDownloadOptions { Range = new HttpRange(0, new FrontMatterLimits().MaxFileBytes + 1) }, ct)).Value)
            {
                await download.Content.CopyToAsync(Stream.Null, ct);
            }

            var entity = new TableEntity(articles[i]) { [ArticleEntityCodec.Props.IndexSynced] = false };
            var added = await articleTable.AddEntityAsync(entity, ct);
            await articleTable.UpdateEntityAsync(ArticleEntityCodec.SyncedPatch(entity.PartitionKey), added.Headers.ETag!.Value, TableUpdateMode.Merge, ct);
            await outcomes.UpsertEntityAsync(new TableEntity(StorageNames.IncomingContainer, $"{i:D8}") { ["Outcome"] = "Created", ["ArticleId"] = entity.PartitionKey }, TableUpdateMode.Replace, ct);
        });
        var indexWrites = Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 1 }, async (batch, ct) =>
            await UpsertBatchAsync(indexTable, batch, ct));
        await Task.WhenAll(perArticle, indexWrites);
        return clock.Elapsed;
    }

    /// <summary>
    /// The same requests as <see cref="RequiredRequestsAsync"/>, plus those every Functions host makes for a blob-trigger
    /// message with the Event Grid source (the webhook's put, a receive per batch, the blob's properties, the message's
    /// delete), made raw the way the host makes them: batches received once enough of the runs in flight have ended.
    /// What ingest through any host cannot do without; with <paramref name="stories"/>, also the stories' own: a read and
    /// a write of each of the article's key rows, and its story's write.
    /// </summary>
    private async Task<TimeSpan> RequiredWithHostRequestsAsync(BlobServiceClient blobs, QueueServiceClient queues, TableServiceClient tables, List<TableEntity> articles, List<TableEntity> index, bool stories = false)
    {
        var (storyTable, keyTable) = (tables.GetTableClient("floorstories"), tables.GetTableClient("floorstorykeys"));
        await storyTable.CreateIfNotExistsAsync();
        await keyTable.CreateIfNotExistsAsync();
        var incoming = blobs.GetBlobContainerClient(StorageNames.IncomingContainer);
        var queue = queues.GetQueueClient("floorblobtrigger");
        await queue.CreateIfNotExistsAsync();
        var outcomes = tables.GetTableClient("flooroutcomes");
        var articleTable = tables.GetTableClient("floorrequiredarticles");
        var indexTable = tables.GetTableClient("floorrequiredindex");
        foreach (var table in new[] { outcomes, articleTable, indexTable })
        {
            await table.CreateIfNotExistsAsync();
        }

        var batchSize = BlobTriggerQueueListener.BatchSize(HostParallelism);
        using var slots = new SemaphoreSlim(HostParallelism, HostParallelism);
        var clock = Stopwatch.StartNew();
        var puts = Parallel.ForEachAsync(Enumerable.Range(0, corpus.Count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
            await queue.SendMessageAsync(i.ToString(CultureInfo.InvariantCulture), ct));
        var indexWrites = Parallel.ForEachAsync(FullBatches(index), new ParallelOptions { MaxDegreeOfParallelism = 1 }, async (batch, ct) =>
            await UpsertBatchAsync(indexTable, batch, ct));
        var runs = new List<Task>();
        var received = 0;
        while (received < corpus.Count)
        {
            for (var taken = 0; taken < batchSize; taken++)
            {
                await slots.WaitAsync();
            }

            var messages = (await queue.ReceiveMessagesAsync(batchSize, TimeSpan.FromMinutes(10))).Value;
            if (messages.Length < batchSize)
            {
                slots.Release(batchSize - messages.Length);
            }

            if (messages.Length == 0)
            {
                await Task.Delay(10); // the puts are behind: the host would wait for its webhook to wake it
            }

            received += messages.Length;
            runs.AddRange(messages.Select(message => Task.Run(async () =>
            {
                try
                {
                    var i = int.Parse(message.MessageText, CultureInfo.InvariantCulture);
                    var blob = incoming.GetBlobClient(corpus[i].Name);
                    await blob.GetPropertiesAsync();
                    using (var download = (await blob.DownloadStreamingAsync(new BlobDownloadOptions { Range = new HttpRange(0, new FrontMatterLimits().MaxFileBytes + 1) })).Value)
                    {
                        await download.Content.CopyToAsync(Stream.Null);
                    }

                    var entity = new TableEntity(articles[i]) { [ArticleEntityCodec.Props.IndexSynced] = false };
                    var added = await articleTable.AddEntityAsync(entity);
                    await articleTable.UpdateEntityAsync(ArticleEntityCodec.SyncedPatch(entity.PartitionKey), added.Headers.ETag!.Value, TableUpdateMode.Merge);
                    if (stories)
                    {
                        var (keys, entry) = _storyKeys[i];
                        await Task.WhenAll(keys.Select(async key =>
                        {
                            await keyTable.GetEntityIfExistsAsync<TableEntity>(key, StoryStore.KeyRowKey);
                            await keyTable.UpsertEntityAsync(new TableEntity(key, StoryStore.KeyRowKey) { ["Entries"] = entry }, TableUpdateMode.Replace);
                        }));
                        await storyTable.SubmitTransactionAsync(
                        [
                            new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(StoryStore.MemberPartition, StoryStore.StoryRowPrefix + entity.PartitionKey) { ["Members"] = entry }),
                            new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(StoryStore.MemberPartition, entity.PartitionKey) { ["Story"] = entity.PartitionKey }),
                        ]);
                    }

                    await outcomes.UpsertEntityAsync(new TableEntity(StorageNames.IncomingContainer, $"{i:D8}") { ["Outcome"] = "Created", ["ArticleId"] = entity.PartitionKey }, TableUpdateMode.Replace);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                }
                finally
                {
                    slots.Release();
                }
            })));
        }

        await Task.WhenAll(runs.Append(puts).Append(indexWrites));
        return clock.Elapsed;
    }

    /// <summary>How long each lookup path is loaded, unmeasured, before its measured run.</summary>
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(3);

    private async Task LookupsAsync(TableServiceClient tables)
    {
        Console.WriteLine("Lookups: wrk against the host, raw point reads as the floor...");
        var script = Path.Combine(Path.GetTempPath(), $"lookups-{Guid.NewGuid():N}.lua");
        var ids = string.Join(",", _ids.Select(id => $"\"{id}\""));
        // The goals of issue #21: a lookup's p50 within 1.3x of the raw read and its p99 within 2.5x; a 304's p50 within 1.2x.
        foreach (var (name, headers, p50Goal, p99Goal) in new[] { ("GET /api/articles/{id}", "nil", 1.3, (double?)2.5), ("GET /api/articles/{id}, If-None-Match → 304", "{[\"If-None-Match\"] = \"\\\"1\\\"\"}", 1.2, null) })
        {
            await File.WriteAllTextAsync(script, $$"""
                local ids = { {{ids}} }
                math.randomseed(42)
                request = function()
                  return wrk.format("GET", "/api/articles/" .. ids[math.random(#ids)], {{headers}})
                end
                """);
            // Warm-up, not measured: the first requests of a path compile it (tiered JIT) and open the host's
            // connections to the worker; the floor's client is warm from the ingest floors already.
            await RunWrkAsync(script, WarmUp);
            if (breakdown is not null)
            {
                await _host!.ResetHostStagesAsync();
                await breakdown.MarkWorkerAsync();
            }

            var wrk = await RunWrkAsync(script, loadDuration);
            if (breakdown is not null)
            {
                await breakdown.CaptureAsync(name, _host!, wrk.Requests, loadDuration);
            }

            var floor = await PointReadsAsync(tables.GetTableClient(StorageNames.ArticlesTable));
            report.Add(new ReportRow($"{name}: requests/s (16 connections)", Report.Rate(wrk.Rps, "req"), Report.Rate(floor.Rps, "reads") + " raw TableClient point reads", wrk.Rps / floor.Rps, "–", null));
            report.Add(new ReportRow($"{name}: p50 latency, × the raw read's", Report.Ms(wrk.P50), Report.Ms(floor.P50), wrk.P50 / floor.P50, string.Create(CultureInfo.InvariantCulture, $"≤ {p50Goal:0.0}×"), wrk.P50 / floor.P50 <= p50Goal));
            report.Add(new ReportRow($"{name}: p99 latency, × the raw read's", Report.Ms(wrk.P99), Report.Ms(floor.P99), wrk.P99 / floor.P99, p99Goal is { } goal ? string.Create(CultureInfo.InvariantCulture, $"≤ {goal:0.0}×") : "–", p99Goal is { } g ? wrk.P99 / floor.P99 <= g : null));

            // With stories on, a lookup also says the article's story: a second point read (its membership row), made
            // beside the first. The floor of that: both raw reads, in parallel.
            var withStory = await PointReadsAsync(tables.GetTableClient(StorageNames.ArticlesTable), tables.GetTableClient(StorageNames.StoriesTable));
            report.Add(new ReportRow($"{name}: p50 latency, × the raw read's with its story's read beside it", Report.Ms(wrk.P50), Report.Ms(withStory.P50), wrk.P50 / withStory.P50, string.Create(CultureInfo.InvariantCulture, $"≤ {p50Goal:0.0}×"), wrk.P50 / withStory.P50 <= p50Goal));
        }

        File.Delete(script);
    }

    private async Task<(double Rps, long Requests, double P50, double P99)> RunWrkAsync(string script, TimeSpan duration)
    {
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-t2", "-c16", $"-d{(int)duration.TotalSeconds}s", "--latency", "-s", script, _host!.Url })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start (apt-get install wrk).");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var non2xx = NonSuccess().Match(output);
        if (non2xx.Success)
        {
            throw new InvalidOperationException($"wrk saw failures: {non2xx.Value}\n{output}");
        }

        var rps = double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        Console.WriteLine(output);
        return (
            rps,
            (long)(rps * duration.TotalSeconds),
            Latency(output, "50"),
            Latency(output, "99"));
    }

    private static double Latency(string wrkOutput, string percentile)
    {
        var match = Regex.Match(wrkOutput, $@"^\s+{percentile}(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    /// <summary>Raw point reads of random articles, 16 at a time; with <paramref name="stories"/>, each with its membership row read beside it.</summary>
    private async Task<(double Rps, double P50, double P99)> PointReadsAsync(TableClient table, TableClient? stories = null)
    {
        var latencies = new ConcurrentBag<double>();
        var deadline = DateTime.UtcNow + loadDuration;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async worker =>
        {
            var random = new Random(worker);
            while (DateTime.UtcNow < deadline)
            {
                var started = Stopwatch.GetTimestamp();
                var id = _ids[random.Next(_ids.Count)];
                await Task.WhenAll(
                    table.GetEntityAsync<TableEntity>(id, StorageNames.ArticleRowKey),
                    stories?.GetEntityIfExistsAsync<TableEntity>(StoryStore.MemberPartition, id) ?? Task.CompletedTask);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }));
        var sorted = latencies.Order().ToArray();
        return (sorted.Length / clock.Elapsed.TotalSeconds, sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)]);
    }

    private async Task FeedsAsync(TableServiceClient tables, BlobServiceClient blobs)
    {
        Console.WriteLine("Feeds: full regeneration, then an unchanged run...");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(StorageConnection.Name, _azurite!.ConnectionString)]).Build();
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning)).AddSingleton<IConfiguration>(configuration).AddContentPipeline(configuration).BuildServiceProvider();
        await using (services)
        {
            var feeds = blobs.GetBlobContainerClient(StorageNames.FeedsContainer);
            await feeds.DeleteIfExistsAsync(); // this run regenerates everything from nothing
            await BenchHost.WaitUntilAsync(async () => (await feeds.CreateIfNotExistsAsync()) is not null, TimeSpan.FromSeconds(30));
            var publisher = ActivatorUtilities.CreateInstance<FeedPublisher>(services);
            var clock = Stopwatch.StartNew();
            var full = await publisher.PublishAsync(default);
            var fullTime = clock.Elapsed;
            clock.Restart();
            var unchanged = await publisher.PublishAsync(default);
            var unchangedTime = clock.Elapsed;

            // Floor: read the same partition raw, and upload the same number of blobs of the same sizes.
            var sizes = new List<long>();
            await foreach (var blob in feeds.GetBlobsAsync(BlobTraits.None, BlobStates.None, null, default))
            {
                sizes.Add(blob.Properties.ContentLength ?? 0);
            }

            clock.Restart();
            var read = await CountAsync(tables.GetTableClient(StorageNames.IndexTable), IndexPartitions.Published, selectAll: true);
            var floorContainer = blobs.GetBlobContainerClient("floorfeeds");
            await floorContainer.CreateIfNotExistsAsync();
            await Parallel.ForEachAsync(sizes.Select((s, i) => (s, i)), new ParallelOptions { MaxDegreeOfParallelism = HostParallelism }, async (x, ct) =>
                await floorContainer.GetBlobClient($"f{x.i}").UploadAsync(BinaryData.FromBytes(new byte[x.s]), overwrite: true, ct));
            var floorTime = clock.Elapsed;
            report.Add(new ReportRow($"Feeds, full regeneration: {full.Feeds} feeds × 3 formats from {read:N0} published articles", Report.Ms(fullTime.TotalMilliseconds), $"{Report.Ms(floorTime.TotalMilliseconds)} raw partition read + {sizes.Count} raw uploads", floorTime / fullTime, "–", null));
            report.Add(new ReportRow("Feeds, unchanged run", $"{Report.Ms(unchangedTime.TotalMilliseconds)}, {unchanged.Written} writes", "0 writes", null, "0 writes", unchanged.Written == 0 && unchanged.Skipped));
        }
    }

    private static async Task<long> CountAsync(TableClient table, string? partition = null, bool selectAll = false)
    {
        long count = 0;
        var filter = partition is null ? null : TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        await foreach (var _ in table.QueryAsync<TableEntity>(filter, select: selectAll ? null : ["PartitionKey"]))
        {
            count++;
        }

        return count;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses: \d+")]
    private static partial Regex NonSuccess();

    /// <summary>CPU spent during a run by the storage emulator and by its client (the benchmark, or the host and its worker).</summary>
    private readonly record struct CpuShare(TimeSpan Storage, TimeSpan Client);
}
