namespace ContentPipeline.Webhooks;

/// <summary>What an editor sends to register an endpoint: where, which events, optionally the secret and a note.</summary>
public sealed record WebhookRegistration(string? Url, IReadOnlyList<string>? Events, string? Secret, string? Description);
