namespace ContentPipeline.LocalHost.Catalog;

/// <summary>A timer trigger: NCRONTAB <c>schedule</c> (may hold <c>%Setting%</c>), <c>runOnStartup</c>, <c>useMonitor</c>.</summary>
public sealed record TimerTrigger(string Schedule, bool RunOnStartup, bool UseMonitor);
