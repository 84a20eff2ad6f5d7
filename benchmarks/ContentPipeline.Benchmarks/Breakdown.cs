using System.Globalization;
using System.Text;
using System.Text.Json;
using ContentPipeline.Diagnostics;

namespace ContentPipeline.Benchmarks;

/// <summary>
/// Where the time of an ingest and of a lookup goes, stage by stage, on both sides: the host's own stages (from its
/// <c>/admin/host/stages</c>) and the app's (the worker writes its stage summary to <see cref="WorkerFile"/> every second:
/// the same spans Application Insights receives in Azure). <c>--breakdown</c> writes it to
/// <c>benchmarks/results/breakdown.md</c>.
/// </summary>
public sealed class Breakdown
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly StringBuilder _text = new();
    private IReadOnlyList<StageSummary> _workerMark = [];

    /// <summary>Where the worker writes its stages.</summary>
    public string WorkerFile { get; } = Path.Combine(Path.GetTempPath(), $"worker-stages-{Guid.NewGuid():N}.json");

    public string Text => _text.ToString();

    /// <summary>What the worker has recorded so far: the next capture shows only what comes after.</summary>
    public async Task MarkWorkerAsync()
    {
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the file is rewritten every second
        _workerMark = await ReadWorkerAsync();
    }

    /// <summary>Adds one section: the host's stages since its last reset, the worker's since the last mark.</summary>
    public async Task CaptureAsync(string title, BenchHost host, long units, TimeSpan elapsed)
    {
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var hostStages = await host.HostStagesAsync();
        var worker = await ReadWorkerAsync();
        var marked = _workerMark.ToDictionary(s => s.Stage, StringComparer.Ordinal);
        _text.Append(CultureInfo.InvariantCulture, $"**{title}**: {units:N0} in {elapsed.TotalSeconds:0.0} s.\n\n")
            .Append("| Side | Stage | Count | Mean | p50 | p99 |\n| --- | --- | --- | --- | --- | --- |\n");
        foreach (var stage in hostStages)
        {
            _text.Append(CultureInfo.InvariantCulture, $"| host | {stage.Stage} | {stage.Count:N0} | {stage.MeanMs:0.00} ms | {stage.P50Ms:0.00} ms | {stage.P99Ms:0.00} ms |\n");
        }

        foreach (var stage in worker)
        {
            // Percentiles are of everything the worker recorded; count and mean are of this section alone.
            var before = marked.GetValueOrDefault(stage.Stage);
            var count = stage.Count - (before?.Count ?? 0);
            if (count <= 0)
            {
                continue;
            }

            var mean = (stage.TotalMs - (before?.TotalMs ?? 0)) / count;
            var percentiles = before is null ? $"{stage.P50Ms:0.00} ms | {stage.P99Ms:0.00} ms" : "– | –";
            _text.Append(CultureInfo.InvariantCulture, $"| worker | {stage.Stage} | {count:N0} | {mean:0.00} ms | {percentiles} |\n");
        }

        _text.Append('\n');
        _workerMark = worker;
        Console.WriteLine(_text.ToString());
    }

    private async Task<IReadOnlyList<StageSummary>> ReadWorkerAsync()
    {
        if (!File.Exists(WorkerFile))
        {
            throw new InvalidOperationException($"The worker wrote no stage summary to {WorkerFile}.");
        }

        await using var file = File.OpenRead(WorkerFile);
        return (await JsonSerializer.DeserializeAsync<List<StageSummary>>(file, Json))!;
    }
}
