using ContentPipeline.Storage;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.Functions;

/// <summary>
/// Moves the articles whose embargo ended or whose expiry passed into the lists of their new state, on the schedule in
/// the <c>TransitionSchedule</c> app setting (default every minute); the feeds follow at their next run. Readers never
/// wait for it: lookups and lists check the clock themselves.
/// </summary>
public sealed class ApplyScheduledTransitions(ArticleStore store)
{
    [Function(nameof(ApplyScheduledTransitions))]
    public async Task RunAsync([TimerTrigger("%" + TransitionOptions.ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken) =>
        await store.ApplyDueTransitionsAsync(TransitionOptions.MaxPerRun, cancellationToken).ConfigureAwait(false);
}
