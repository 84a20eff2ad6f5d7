namespace ContentPipeline.Webhooks;

/// <summary>What one run of the dispatcher did.</summary>
/// <param name="Queued">Deliveries queued (events times the endpoints taking them).</param>
/// <param name="Delivered">Deliveries answered 2xx.</param>
/// <param name="Retrying">Attempts that failed and wait for the next one.</param>
/// <param name="Failed">Deliveries given up after the retry period (kept in the log as failed).</param>
public sealed record WebhookRunResult(int Queued, int Delivered, int Retrying, int Failed);
