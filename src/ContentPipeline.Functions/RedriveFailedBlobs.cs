using ContentPipeline.Ingest;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.Functions;

/// <summary>
/// Tries again, with backoff, the blobs the host gave up on (its poison queue) or that failed since, on the schedule in
/// the <c>RedriveSchedule</c> app setting (default every minute). A storage outage longer than the host's five tries
/// thus loses nothing once storage is back, with nobody acting.
/// </summary>
public sealed class RedriveFailedBlobs(BlobRedriver redriver)
{
    [Function(nameof(RedriveFailedBlobs))]
    public async Task RunAsync([TimerTrigger("%" + RedriveOptions.ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken) =>
        await redriver.RunAsync(cancellationToken).ConfigureAwait(false);
}
