namespace ContentPipeline.Webhooks;

/// <summary>What one attempt of a delivery got: a 2xx, or the status and a short error.</summary>
public sealed record WebhookAttempt(bool Delivered, int? Status, string? Error);
