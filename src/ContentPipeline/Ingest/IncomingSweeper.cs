using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ContentPipeline.Diagnostics;
using ContentPipeline.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ContentPipeline.Ingest;

/// <summary>
/// Finds blobs of the incoming container that no event brought: uploaded before the Event Grid subscription existed, or
/// whose event Event Grid dropped (after 24 hours of retries) or dead-lettered. It lists the container a page at a
/// time, reads the recorded outcomes of that page's names in one range query (<see cref="IngestStateStore"/>), and
/// ingests every blob whose current ETag has no outcome (nor a pending retry). So a run costs what it lists: one
/// listing page and one table range per page, never a read of the articles. It is resumable: each run goes on where
/// the last one stopped (at most <see cref="SweepOptions.MaxBlobsPerRun"/> listed and
/// <see cref="SweepOptions.MaxIngestsPerRun"/> ingested per run), and a pass that reaches the end starts over.
/// </summary>
public sealed partial class IncomingSweeper
{
    private readonly BlobContainerClient _incoming;
    private readonly IngestService _ingest;
    private readonly IngestStateStore _state;
    private readonly TimeProvider _time;
    private readonly SweepOptions _options;
    private readonly ILogger<IncomingSweeper> _logger;

    /// <summary>Creates the sweeper.</summary>
    public IncomingSweeper(BlobServiceClient blobs, IngestService ingest, IngestStateStore state, TimeProvider time, IOptions<SweepOptions> options, ILogger<IncomingSweeper> logger)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(options);
        _incoming = blobs.GetBlobContainerClient(StorageNames.IncomingContainer);
        _ingest = ingest;
        _state = state;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>One run, from where the last one stopped.</summary>
    public async Task<SweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        var position = await _state.GetSweepAsync(_incoming.Name, cancellationToken).ConfigureAwait(false);
        var marker = position?.Marker;
        var passStarted = marker is null ? _time.GetUtcNow() : position!.PassStartedAt;
        var (listed, ingested, failed) = (0, 0, 0);
        var passComplete = false;
        while (listed < _options.MaxBlobsPerRun && ingested + failed < _options.MaxIngestsPerRun)
        {
            Azure.Page<BlobItem>? page = null;
            await foreach (var p in _incoming.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: null, cancellationToken).AsPages(marker, _options.PageSize).ConfigureAwait(false))
            {
                page = p;
                break;
            }

            var blobs = page?.Values ?? [];
            listed += blobs.Count;

            // Blob ages by the storage service's clock (the listing's Date), not this machine's.
            var youngest = (page?.GetRawResponse().Headers.Date ?? _time.GetUtcNow()) - _options.MinAge;
            var missing = await MissingOutcomesAsync(blobs, youngest, cancellationToken).ConfigureAwait(false);
            var budget = _options.MaxIngestsPerRun - ingested - failed;
            if (missing.Count > budget)
            {
                // Not all of this page fits the run: do what fits, and list this page again next time (done ones are skipped).
                missing = missing.Take(budget).ToList();
                (ingested, failed) = Add((ingested, failed), await IngestAllAsync(missing, cancellationToken).ConfigureAwait(false));
                break;
            }

            (ingested, failed) = Add((ingested, failed), await IngestAllAsync(missing, cancellationToken).ConfigureAwait(false));
            marker = page?.ContinuationToken;
            if (string.IsNullOrEmpty(marker))
            {
                passComplete = true;
                marker = null;
                break;
            }
        }

        await _state.SaveSweepAsync(_incoming.Name, new SweepPosition(marker, passComplete ? _time.GetUtcNow() : passStarted), cancellationToken).ConfigureAwait(false);
        LogSwept(listed, ingested, failed, passComplete);
        return new SweepResult(listed, ingested, failed, passComplete);
    }

    /// <summary>The blobs of a page, old enough, whose current ETag has no recorded outcome.</summary>
    private async Task<List<BlobItem>> MissingOutcomesAsync(IReadOnlyList<BlobItem> blobs, DateTimeOffset youngest, CancellationToken cancellationToken)
    {
        if (blobs.Count == 0)
        {
            return [];
        }

        var outcomes = await _state.GetOutcomesAsync(_incoming.Name, blobs[0].Name, blobs[^1].Name, cancellationToken).ConfigureAwait(false);
        var missing = new List<BlobItem>();
        foreach (var blob in blobs.Where(b => b.Properties.LastModified is not { } modified || modified <= youngest))
        {
            var etag = blob.Properties.ETag?.ToString() is { } listed ? IngestStateStore.Unquoted(listed) : null;
            var outcome = outcomes.GetValueOrDefault(blob.Name);
            if (outcome is null && SourceKey.For(_incoming.Name, blob.Name).IsHashed)
            {
                outcome = await _state.GetOutcomeAsync(_incoming.Name, blob.Name, cancellationToken).ConfigureAwait(false);
            }

            // Recorded for this version, whatever it was (a failed one waits for its re-drive): nothing to do.
            if (outcome is null || outcome.ETag != etag)
            {
                missing.Add(blob);
            }
        }

        return missing;
    }

    private async Task<(int Ingested, int Failed)> IngestAllAsync(IReadOnlyList<BlobItem> blobs, CancellationToken cancellationToken)
    {
        var (ingested, failed) = (0, 0);
        await Parallel.ForEachAsync(blobs, new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = cancellationToken }, async (blob, ct) =>
        {
            try
            {
                var result = await _ingest.IngestAsync(_incoming.Name, blob.Name, blob.Properties.ETag?.ToString(), ct).ConfigureAwait(false);
                LogFound(LogText.Escape(blob.Name), result.Outcome);
                Interlocked.Increment(ref ingested);
            }
#pragma warning disable CA1031 // Not swallowed: recorded as a failure with its reason; the re-driver tries it again later.
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
#pragma warning restore CA1031
            {
                await _state.RecordFailureAsync(_incoming.Name, blob.Name, blob.Properties.ETag?.ToString(), $"{ex.GetType().Name}: {ex.Message}", ct).ConfigureAwait(false);
                LogFailed(ex, LogText.Escape(blob.Name));
                Interlocked.Increment(ref failed);
            }
        }).ConfigureAwait(false);
        return (ingested, failed);
    }

    private static (int, int) Add((int Ingested, int Failed) total, (int Ingested, int Failed) more) => (total.Ingested + more.Ingested, total.Failed + more.Failed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep: {Listed} blobs listed, {Ingested} without an outcome ingested, {Failed} failed (pass complete: {PassComplete})")]
    private partial void LogSwept(int listed, int ingested, int failed, bool passComplete);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep found {BlobName}, which no event had brought: {Outcome}")]
    private partial void LogFound(string blobName, IngestOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep could not ingest {BlobName}; it is tried again later")]
    private partial void LogFailed(Exception exception, string blobName);
}
