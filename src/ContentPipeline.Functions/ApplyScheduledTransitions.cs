using ContentPipeline.Storage;
using ContentPipeline.Stories;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.Functions;

/// <summary>
/// Moves the articles whose embargo ended or whose expiry passed into the lists of their new state, on the schedule in
/// the <c>TransitionSchedule</c> app setting (default every minute); the feeds follow at their next run. Readers are
/// never shown an article outside its window meanwhile: lookups, lists and feed runs check the clock themselves (an
/// article whose embargo ended is looked up at once, and listed once this timer has moved it). Once an hour it also
/// deletes the stories' key rows too old to be candidates.
/// </summary>
public sealed class ApplyScheduledTransitions(ArticleStore store, StoryAssigner stories)
{
    [Function(nameof(ApplyScheduledTransitions))]
    public async Task RunAsync([TimerTrigger("%" + TransitionOptions.ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        await store.ApplyDueTransitionsAsync(TransitionOptions.MaxPerRun, cancellationToken).ConfigureAwait(false);
        await stories.PruneKeysAsync(cancellationToken).ConfigureAwait(false);
    }
}
