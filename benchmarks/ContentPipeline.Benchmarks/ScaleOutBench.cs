using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;

namespace ContentPipeline.Benchmarks;

/// <summary>
/// Ingest throughput on 1, 2, … N instances of the local host sharing one Azurite, as Flex Consumption scales out: the
/// same corpus each time, in a fresh Azurite, the events posted to the instances' webhooks in turn (they land on the
/// one blob-trigger queue every instance takes from). Each figure's floor is the one-instance rate of the same run; the
/// CPU figures say how much of the machine each run had, and the per-instance counts how the queue was shared.
/// </summary>
public sealed class ScaleOutBench(IReadOnlyList<Corpus.Document> corpus, int maxInstances)
{
    public async Task<string> RunAsync()
    {
        var runs = new List<Run>();
        for (var instances = 1; instances <= maxInstances; instances++)
        {
            Console.WriteLine($"Scale-out: {corpus.Count:N0} files through {instances} instance(s)...");
            runs.Add(await MeasureAsync(instances));
            Console.WriteLine($"  {runs[^1].Rate:N0} articles/s, machine CPU {runs[^1].MachineBusy:P0} busy");
        }

        var text = new StringBuilder()
            .Append("| Instances | Ingest | vs 1 instance | Machine CPU busy | Azurite CPU | Per instance: ingests (failed attempts) | Per instance: host + worker CPU |\n")
            .Append("| --- | --- | --- | --- | --- | --- | --- |\n");
        foreach (var run in runs)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {run.Instances} | {Report.Rate(run.Rate, "articles")} | {run.Rate / runs[0].Rate:0.00} | {run.MachineBusy:P0} of {Environment.ProcessorCount} cores | {run.AzuriteCpu.TotalSeconds:0} s ({run.AzuriteCpu / run.Elapsed:P0} of a core) | {string.Join(" / ", run.PerInstance.Select(p => $"{p.Succeeded:N0} ({p.Failed})"))} | {string.Join(" / ", run.PerInstance.Select(p => $"{p.Cpu.TotalSeconds:0} s"))} |\n");
        }

        return text.ToString();
    }

    private async Task<Run> MeasureAsync(int instances)
    {
        await using var azurite = await Azurite.StartAsync();
        var incoming = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(StorageNames.IncomingContainer);
        await incoming.CreateIfNotExistsAsync();
        await Parallel.ForEachAsync(corpus, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (d, ct) =>
            await incoming.GetBlobClient(d.Name).UploadAsync(BinaryData.FromBytes(d.Bytes), ct));

        var hosts = new List<BenchHost>();
        try
        {
            for (var i = 1; i <= instances; i++)
            {
                hosts.Add(await BenchHost.StartAsync(azurite.ConnectionString, $"bench-{i}"));
            }

            // Idle CPU of starting up is not the ingest's: every figure is a difference from here.
            var cpuBefore = hosts.Select(h => h.CpuTime()).ToList();
            var azuriteBefore = ProcessCpu.Of(azurite.ProcessId);
            var machineBefore = ProcessCpu.Machine();
            var clock = Stopwatch.StartNew();
            var announcing = AnnounceAsync(hosts, incoming);
            while ((await Task.WhenAll(hosts.Select(h => h.IngestInvocationsAsync()))).Sum(c => c.Succeeded) < corpus.Count)
            {
                if (clock.Elapsed > TimeSpan.FromMinutes(30) || hosts.Any(h => h.Process.HasExited))
                {
                    throw new InvalidOperationException($"The ingest through {instances} instance(s) stopped.");
                }

                await Task.Delay(200);
            }

            await IndexInStep.WaitAsync(new TableServiceClient(azurite.ConnectionString), TimeSpan.FromMinutes(5));
            clock.Stop();
            var machineAfter = ProcessCpu.Machine();
            var azuriteCpu = ProcessCpu.Of(azurite.ProcessId) - azuriteBefore;
            await announcing;
            var counts = await Task.WhenAll(hosts.Select(h => h.IngestInvocationsAsync()));
            var stored = 0;
            await foreach (var _ in new TableServiceClient(azurite.ConnectionString).GetTableClient(StorageNames.ArticlesTable).QueryAsync<TableEntity>(select: ["PartitionKey"]))
            {
                stored++;
            }

            // A duplicate delivery counts as a success on two instances; the stored articles say whether any was lost.
            if (stored != corpus.Count)
            {
                throw new InvalidOperationException($"{stored} articles stored for {corpus.Count} files through {instances} instance(s).");
            }

            var busy = (machineAfter.Busy - machineBefore.Busy) / (machineAfter.Total - machineBefore.Total);
            return new Run(
                instances,
                corpus.Count / clock.Elapsed.TotalSeconds,
                clock.Elapsed,
                busy,
                azuriteCpu,
                hosts.Select((h, i) => new InstanceShare(counts[i].Succeeded, counts[i].Failed, h.CpuTime() - cpuBefore[i])).ToList());
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The files' events, 100 per post, each post to the next instance: Event Grid's posts reach whichever instance the
    /// platform's load balancer picks, and each host takes its own webhook's messages at once, while an idle instance
    /// polls the queue with a pause growing to a minute (as Azure's host does).
    /// </summary>
    private async Task AnnounceAsync(IReadOnlyList<BenchHost> hosts, BlobContainerClient incoming)
    {
        var post = 0;
        foreach (var chunk in corpus.Chunk(100))
        {
            await hosts[post++ % hosts.Count].AnnounceAsync(incoming, chunk.Select(d => d.Name));
        }
    }

    private sealed record InstanceShare(long Succeeded, long Failed, TimeSpan Cpu);

    private sealed record Run(int Instances, double Rate, TimeSpan Elapsed, double MachineBusy, TimeSpan AzuriteCpu, IReadOnlyList<InstanceShare> PerInstance);
}
