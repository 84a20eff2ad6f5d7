namespace ContentPipeline.Benchmarks;

/// <summary>An operation to measure on an archive, and its floor: the storage requests it makes, made raw.</summary>
/// <param name="Name">What it is.</param>
/// <param name="Times">How often it runs (figures are per run; small operations run often to average out noise).</param>
/// <param name="Run">One run (its number).</param>
/// <param name="Floor">One run of the floor (its number).</param>
/// <param name="Prepare">Before each run, not measured (its number); none when runs need nothing undone.</param>
public sealed record ArchiveOperation(string Name, int Times, Func<int, Task> Run, Func<int, Task> Floor, Func<int, Task>? Prepare = null);
