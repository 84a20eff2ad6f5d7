namespace ContentPipeline.Storage;

/// <summary>Why an article is down and stays down until an editor restores it.</summary>
/// <param name="At">When it was taken down.</param>
/// <param name="By">Which key took it down: a fingerprint of the key (never the key itself).</param>
/// <param name="Reason">The editor's reason, if given.</param>
public sealed record Takedown(DateTimeOffset At, string By, string? Reason);
