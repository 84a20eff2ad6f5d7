using ContentPipeline.Webhooks;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ContentPipeline.Functions;

/// <summary>
/// Delivers the webhooks on the schedule in the <c>WebhookSchedule</c> app setting (default every 10 seconds): queues
/// the events the change log holds since the last run, one delivery per endpoint taking each, and sends the deliveries
/// that are due (<see cref="WebhookDispatcher"/>). Runs never overlap (the host's timer lock).
/// </summary>
public sealed partial class DispatchWebhooks(WebhookDispatcher dispatcher, ILogger<DispatchWebhooks> logger)
{
    [Function(nameof(DispatchWebhooks))]
    public async Task RunAsync([TimerTrigger("%" + WebhookOptions.ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        if (timer.IsPastDue)
        {
            LogPastDue(timer.ScheduleStatus?.Last);
        }

        await dispatcher.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook run is past due (last scheduled {Last}); running it once now")]
    private partial void LogPastDue(DateTime? last);
}
