namespace ContentPipeline.Diagnostics;

/// <summary>One stage's durations over a run, in milliseconds.</summary>
public sealed record StageSummary(string Stage, long Count, double TotalMs, double MeanMs, double P50Ms, double P99Ms);
