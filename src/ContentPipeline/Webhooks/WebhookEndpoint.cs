namespace ContentPipeline.Webhooks;

/// <summary>
/// A registered endpoint: where events go, which ones, and the secret their signatures are made with (never shown
/// again after registration, never logged).
/// </summary>
public sealed record WebhookEndpoint(string Id, Uri Url, IReadOnlyList<string> Events, string Secret, string? Description, DateTimeOffset CreatedAt)
{
    /// <summary>Whether the endpoint takes <paramref name="eventType"/>.</summary>
    public bool Takes(string eventType) => Events.Contains(eventType, StringComparer.Ordinal);
}
