using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using ContentPipeline.Benchmarks;
using ContentPipeline.IntegrationTests.Infrastructure;

// Usage: ContentPipeline.Benchmarks [--articles 10000] [--load-seconds 10] [--parser-only | --ingest-only]
//        ContentPipeline.Benchmarks --archive N   (each operation on archives of N and 10N articles)
//        ContentPipeline.Benchmarks ... --breakdown   (also where ingest and lookup time goes, stage by stage)
//        ContentPipeline.Benchmarks --instances N [--articles 3000]   (ingest through 1..N host instances)
if (Array.IndexOf(args, "--archive") >= 0)
{
    var size = Option("--archive", 2_000);
    var archiveStarted = DateTimeOffset.UtcNow;
    var archiveTable = await new ArchiveBench(size).RunAsync();
    var memoryGiB = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024 / 1024;
    var archiveReport = string.Create(CultureInfo.InvariantCulture,
        $"Measured {archiveStarted:yyyy-MM-dd} on {Environment.ProcessorCount} cores, {memoryGiB:0} GiB, {Environment.OSVersion.VersionString}, .NET {Environment.Version}, Azurite 3.35.0 in memory; `./scripts/bench.sh --archive {size}` ({(DateTimeOffset.UtcNow - archiveStarted).TotalMinutes:0} min). Per operation: time · storage requests · table entities read · managed heap peak; then the 10N/N ratio of each.\n\n{archiveTable}");
    await WriteResultsAsync("archive.md", archiveReport);
    return 0;
}

if (Array.IndexOf(args, "--instances") >= 0)
{
    var maxInstances = Option("--instances", 3);
    var files = Option("--articles", 3_000);
    var scaleStarted = DateTimeOffset.UtcNow;
    var scaleTable = await new ScaleOutBench(Corpus.Generate(files), maxInstances).RunAsync();
    var scaleMemoryGiB = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024 / 1024;
    var scaleReport = string.Create(CultureInfo.InvariantCulture,
        $"Measured {scaleStarted:yyyy-MM-dd} on {Environment.ProcessorCount} cores, {scaleMemoryGiB:0} GiB, {Environment.OSVersion.VersionString}, .NET {Environment.Version}, Azurite in memory (one node process for every instance); `./scripts/bench.sh --instances {maxInstances} --articles {files}` ({(DateTimeOffset.UtcNow - scaleStarted).TotalMinutes:0} min). Ingest of the same files through 1 to {maxInstances} local host instances, each with its worker (8 invocations at a time), the BlobCreated events posted to the instances' webhooks in turn, 100 per post, as a load balancer spreads them; the floor of each row is the 1-instance rate of the same run. CPU figures cover the ingest only.\n\n{scaleTable}");
    await WriteResultsAsync("instances.md", scaleReport);
    return 0;
}

var articles = Option("--articles", 10_000);
var loadSeconds = Option("--load-seconds", 10);
var parserOnly = args.Contains("--parser-only");
var ingestOnly = args.Contains("--ingest-only");
var breakdown = args.Contains("--breakdown") ? new Breakdown() : null;
var report = new Report();
var started = DateTimeOffset.UtcNow;

if (!ingestOnly)
{
    Console.WriteLine($"Parser: BenchmarkDotNet on {ParserBenchmarks.SampleSize:N0} generated documents per operation...");
    var config = ManualConfig.CreateEmpty()
        .AddJob(Job.ShortRun.WithIterationCount(10).WithToolchain(InProcessEmitToolchain.Instance))
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddLogger(ConsoleLogger.Default)
        .AddColumnProvider(DefaultColumnProviders.Instance);
    var summary = BenchmarkRunner.Run<ParserBenchmarks>(config);
    double Rate(string method) => ParserBenchmarks.SampleSize / (summary.Reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method).ResultStatistics!.Mean / 1e9);
    long Allocated(string method)
    {
        var run = summary.Reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method);
        return run.GcStats.GetBytesAllocatedPerOperation(run.BenchmarkCase)!.Value / ParserBenchmarks.SampleSize;
    }

    var full = Rate(nameof(ParserBenchmarks.FullPath));
    var raw = Rate(nameof(ParserBenchmarks.RawYamlDotNet));
    report.Add(new ReportRow("Parser: split, parse, validate, map to entities", Report.Rate(full, "docs"), Report.Rate(raw, "docs") + " raw YamlDotNet deserialise", full / raw, "≥ 0.91 (≤ 10% overhead)", full / raw >= 0.91));
    report.Add(new ReportRow("Parser: bytes allocated per document", $"{Allocated(nameof(ParserBenchmarks.FullPath)):N0} B", $"{Allocated(nameof(ParserBenchmarks.RawYamlDotNet)):N0} B raw YamlDotNet", null, "–", null));
    var grayMatter = await GrayMatterAsync();
    report.Add(new ReportRow("Parser vs gray-matter 4.0.3 (Node, cache off), same documents", Report.Rate(full, "docs"), Report.Rate(grayMatter, "docs") + " gray-matter", full / grayMatter, "> 1 (faster)", full > grayMatter));
    var events = Rate(nameof(ParserBenchmarks.YamlDotNetEvents));
    report.Add(new ReportRow("YamlDotNet's event parser alone (the ceiling of the parser's YamlDotNet path) vs gray-matter", Report.Rate(events, "docs"), Report.Rate(grayMatter, "docs") + " gray-matter", events / grayMatter, "–", null));
    report.Add(new ReportRow("Parser: split, parse, validate, map vs YamlDotNet's event parser alone", Report.Rate(full, "docs"), Report.Rate(events, "docs") + " events alone", full / events, "–", null));

    report.Add(new ReportRow("Parser: parse and validate only (no entity mapping)", Report.Rate(Rate(nameof(ParserBenchmarks.ParseOnly)), "docs"), Report.Rate(raw, "docs") + " raw YamlDotNet deserialise", Rate(nameof(ParserBenchmarks.ParseOnly)) / raw, "–", null));
    var throughYaml = Rate(nameof(ParserBenchmarks.ParseOnlyThroughYamlDotNet));
    report.Add(new ReportRow("Parser: parse and validate, files outside the block reader's shape (YamlDotNet's path)", Report.Rate(throughYaml, "docs"), Report.Rate(raw, "docs") + " raw YamlDotNet deserialise", throughYaml / raw, "–", null));
}

if (!parserOnly && !ingestOnly)
{
    await new StoryBench(report).RunAsync();
}

if (!parserOnly)
{
    await using var pipeline = new PipelineBench(report, Corpus.Generate(articles), TimeSpan.FromSeconds(loadSeconds), breakdown);
    await pipeline.RunAsync(ingestOnly);
}

var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024 / 1024;
var header = string.Create(CultureInfo.InvariantCulture,
    $"Measured {started:yyyy-MM-dd} on {Environment.ProcessorCount} cores, {memory:0} GiB, {Environment.OSVersion.VersionString}, .NET {Environment.Version}, Azurite 3.35.0 in memory; `./scripts/bench.sh --articles {articles} --load-seconds {loadSeconds}` ({(DateTimeOffset.UtcNow - started).TotalMinutes:0} min).");
var table = report.ToMarkdown(header);
if (breakdown is not null)
{
    await WriteResultsAsync("breakdown.md", $"{header}\n\nWhere the time goes, stage by stage (host: the local host's own stages; worker: the app's spans, as Application Insights receives them in Azure). Host stages nest: host.blob.message holds host.blob.properties, host.invoke and host.queue.delete; host.invoke holds the worker's ingest; ingest holds its download, parse, render, save and outcome; ingest.save holds the save.* stages. host.http holds host.http.route-key and host.http.forward, which holds the worker's lookup.read.\n\n{breakdown.Text}");
}

if (!parserOnly && !ingestOnly)
{
    await WriteResultsAsync("latest.md", table); // only a whole run replaces the table the README quotes
}
else
{
    Console.WriteLine();
    Console.WriteLine(table);
}

return 0;

// Writes a results table to benchmarks/results/{file} and prints it.
static async Task WriteResultsAsync(string file, string table)
{
    var results = Path.Combine(Azurite.RepositoryRoot(), "benchmarks", "results");
    Directory.CreateDirectory(results);
    await File.WriteAllTextAsync(Path.Combine(results, file), table);
    Console.WriteLine();
    Console.WriteLine(table);
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

static async Task<double> GrayMatterAsync()
{
    var folder = Directory.CreateTempSubdirectory("corpus-").FullName;
    foreach (var document in Corpus.Generate(ParserBenchmarks.SampleSize, seed: 7))
    {
        await File.WriteAllBytesAsync(Path.Combine(folder, document.Name), document.Bytes);
    }

    var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, WorkingDirectory = Azurite.RepositoryRoot() };
    foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "graymatter.js"), folder, "5" })
    {
        start.ArgumentList.Add(arg);
    }

    using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
    var output = await node.StandardOutput.ReadToEndAsync();
    await node.WaitForExitAsync();
    Directory.Delete(folder, recursive: true);
    return node.ExitCode == 0
        ? JsonDocument.Parse(output).RootElement.GetProperty("docsPerSecond").GetDouble()
        : throw new InvalidOperationException("gray-matter failed: run 'npm ci' at the repository root.");
}
