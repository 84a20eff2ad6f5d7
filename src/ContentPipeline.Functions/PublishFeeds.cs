using ContentPipeline.Feeds;
using ContentPipeline.Webhooks;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ContentPipeline.Functions;

/// <summary>
/// Republishes the RSS, Atom and JSON feeds on the schedule in the <c>FeedSchedule</c> app setting (6-field NCRONTAB,
/// UTC; default every 5 minutes). Runs never overlap (the host's timer lock); a late run logs that it is late and
/// runs once; endpoints taking <c>feeds.changed</c> hear of the feed files it wrote. No RunOnStartup: it would fire on every restart and scale-out.
/// </summary>
public sealed partial class PublishFeeds(FeedPublisher publisher, WebhookDispatcher webhooks, ILogger<PublishFeeds> logger)
{
    [Function(nameof(PublishFeeds))]
    public async Task RunAsync([TimerTrigger("%" + FeedOptions.ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        if (timer.IsPastDue)
        {
            LogPastDue(timer.ScheduleStatus?.Last);
        }

        var result = await publisher.PublishAsync(cancellationToken).ConfigureAwait(false);
        await webhooks.FeedsChangedAsync(result.ChangedFeeds, publisher.PublicUrl(FeedPublisher.IndexPath), cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed run is past due (last scheduled {Last}); running it once now")]
    private partial void LogPastDue(DateTime? last);
}
