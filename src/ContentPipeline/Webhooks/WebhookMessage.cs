namespace ContentPipeline.Webhooks;

/// <summary>
/// A delivery as it waits in the queue: its log row, the endpoint, the event (id, type, the signed body) and its attempts
/// so far. The body is fixed when the event is fanned out, so every attempt sends the same bytes.
/// </summary>
public sealed record WebhookMessage(string DeliveryId, string EndpointId, string EventId, string Event, string Body, DateTimeOffset CreatedAt, int Attempts);
