using System.Collections.Concurrent;
using System.Diagnostics;

namespace ContentPipeline.Diagnostics;

/// <summary>
/// Collects how long each stage took, from the activities of the sources it listens to: count, total, mean, median and
/// 99th percentile per stage name. What a breakdown of a run is made from (the benchmark's <c>--breakdown</c>); each
/// stage keeps its first <see cref="MaxSamples"/> durations for the percentiles (count, total and mean take every one),
/// so memory stays bounded on a long run.
/// </summary>
public sealed class StageTimings : IDisposable
{
    /// <summary>Durations kept per stage; later ones still count towards the count and the total.</summary>
    public const int MaxSamples = 200_000;

    private readonly ActivityListener _listener;
    private readonly ConcurrentDictionary<string, Stage> _stages = new(StringComparer.Ordinal);

    /// <summary>Starts listening to the activities of every source named <paramref name="sourceNames"/>.</summary>
    public StageTimings(params string[] sourceNames)
        : this(source => sourceNames.Contains(source.Name, StringComparer.Ordinal))
    {
    }

    /// <summary>Starts listening to the activities of <paramref name="source"/> alone (not of others of its name).</summary>
    public StageTimings(ActivitySource source)
        : this(candidate => ReferenceEquals(candidate, source))
    {
    }

    private StageTimings(Func<ActivitySource, bool> listensTo)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = listensTo,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity => _stages.GetOrAdd(activity.OperationName, static _ => new Stage()).Add(activity.Duration),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Every stage seen so far, by name.</summary>
    public IReadOnlyList<StageSummary> Snapshot() =>
        _stages.Select(static s => s.Value.Summarise(s.Key)).OrderBy(static s => s.Stage, StringComparer.Ordinal).ToList();

    /// <summary>Forgets what was collected (a run's breakdown starts from here).</summary>
    public void Reset() => _stages.Clear();

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Dispose();

    private sealed class Stage
    {
        private readonly List<double> _samples = [];
        private long _count;
        private double _totalMs;

        public void Add(TimeSpan duration)
        {
            lock (_samples)
            {
                _count++;
                _totalMs += duration.TotalMilliseconds;
                if (_samples.Count < MaxSamples)
                {
                    _samples.Add(duration.TotalMilliseconds);
                }
            }
        }

        public StageSummary Summarise(string name)
        {
            double[] sorted;
            long count;
            double total;
            lock (_samples)
            {
                // Copied under the lock, sorted outside it: a summary never holds up the stages being timed.
                (sorted, count, total) = (_samples.ToArray(), _count, _totalMs);
            }

            Array.Sort(sorted);
            double At(double quantile) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * quantile))];
            return new StageSummary(name, count, total, count == 0 ? 0 : total / count, At(0.5), At(0.99));
        }
    }
}
