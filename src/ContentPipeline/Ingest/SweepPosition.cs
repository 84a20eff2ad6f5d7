namespace ContentPipeline.Ingest;

/// <summary>Where a sweep of a container stopped: the listing's continuation marker (null: start over) and when the current pass began.</summary>
public sealed record SweepPosition(string? Marker, DateTimeOffset PassStartedAt);
