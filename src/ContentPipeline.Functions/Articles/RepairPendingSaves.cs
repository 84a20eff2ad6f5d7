using ContentPipeline.Storage;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.Functions.Articles;

/// <summary>
/// Mends, with nobody acting, the saves a dead process left half done (a worker restarted by <c>functionTimeout</c>, a
/// crashed instance): on the schedule in the <c>RepairSchedule</c> app setting (default every minute), every article
/// whose save record is older than <c>Repair__MinAge</c> gets its index entries and catalog rows in step, so lists and
/// feeds follow what was committed. Costs a read of the pending records, and work only for those.
/// </summary>
public sealed class RepairPendingSaves(ArticleStore store)
{
    [Function(nameof(RepairPendingSaves))]
    public async Task RunAsync([TimerTrigger("%" + RepairOptions.ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken) =>
        await store.RepairAsync(includeRecent: false, cancellationToken).ConfigureAwait(false);
}
