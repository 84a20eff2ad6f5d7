namespace ContentPipeline.Webhooks;

/// <summary>
/// One delivery of one event to one endpoint, as its log keeps it: <c>pending</c> (being tried, <see cref="NextAttemptAt"/>
/// says when next), <c>delivered</c> (a 2xx answer), or <c>failed</c> (tried for the whole retry period).
/// </summary>
public sealed record WebhookDelivery(
    string Id, string EventId, string Event, string State, int Attempts, DateTimeOffset CreatedAt,
    DateTimeOffset? LastAttemptAt, DateTimeOffset? NextAttemptAt, int? LastStatus, string? LastError)
{
    /// <summary>Being tried.</summary>
    public const string Pending = "pending";
    /// <summary>Answered 2xx.</summary>
    public const string Delivered = "delivered";
    /// <summary>Tried for the whole retry period without a 2xx.</summary>
    public const string Failed = "failed";
}
