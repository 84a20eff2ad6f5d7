namespace ContentPipeline.Benchmarks;

/// <summary>
/// The highest managed heap an operation reaches above where it started: the heap is collected first, then sampled
/// every millisecond on a thread of its own while the operation runs.
/// </summary>
public sealed class MemoryPeak : IDisposable
{
    private readonly long _baseline;
    private readonly Thread _sampler;
    private volatile bool _stopped;
    private long _highest;

    private MemoryPeak()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        _baseline = GC.GetTotalMemory(forceFullCollection: true);
        _highest = _baseline;
        _sampler = new Thread(Sample) { IsBackground = true, Name = "memory-peak" };
        _sampler.Start();
    }

    public static MemoryPeak Start() => new();

    /// <summary>Stops sampling; the peak above the baseline, in bytes.</summary>
    public long Stop()
    {
        _stopped = true;
        _sampler.Join();
        return Math.Max(0, Interlocked.Read(ref _highest) - _baseline);
    }

    public void Dispose()
    {
        if (!_stopped)
        {
            Stop();
        }
    }

    private void Sample()
    {
        while (!_stopped)
        {
            var now = GC.GetTotalMemory(forceFullCollection: false);
            if (now > Interlocked.Read(ref _highest))
            {
                Interlocked.Exchange(ref _highest, now);
            }

            Thread.Sleep(1);
        }
    }
}
