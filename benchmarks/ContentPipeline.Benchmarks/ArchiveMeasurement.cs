namespace ContentPipeline.Benchmarks;

/// <summary>What one operation cost at one archive size (per operation when it ran several times).</summary>
/// <param name="Operation">What was measured.</param>
/// <param name="Milliseconds">Wall time.</param>
/// <param name="Requests">Storage requests.</param>
/// <param name="Entities">Table entities read.</param>
/// <param name="PeakBytes">Managed heap peak above the start.</param>
/// <param name="FloorMilliseconds">The same storage work made raw with the SDK, in the same archive: what the storage itself costs.</param>
public sealed record ArchiveMeasurement(string Operation, double Milliseconds, double Requests, double Entities, long PeakBytes, double FloorMilliseconds);
