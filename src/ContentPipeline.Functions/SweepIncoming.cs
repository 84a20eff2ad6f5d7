using ContentPipeline.Ingest;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.Functions;

/// <summary>
/// Ingests the blobs of the incoming container that no event brought (uploaded before the Event Grid subscription
/// existed, or whose event was dropped or dead-lettered), on the schedule in the <c>SweepSchedule</c> app setting
/// (default every 15 minutes). Each run goes on where the last stopped.
/// </summary>
public sealed class SweepIncoming(IncomingSweeper sweeper)
{
    [Function(nameof(SweepIncoming))]
    public async Task RunAsync([TimerTrigger("%" + SweepOptions.ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken) =>
        await sweeper.SweepAsync(cancellationToken).ConfigureAwait(false);
}
