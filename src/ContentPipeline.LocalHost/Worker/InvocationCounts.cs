namespace ContentPipeline.LocalHost.Worker;

/// <summary>How often a function ran, for the admin status endpoint.</summary>
public sealed class InvocationCounts
{
    private long _started;
    private long _succeeded;
    private long _failed;

    public long Started => Interlocked.Read(ref _started);

    public long Succeeded => Interlocked.Read(ref _succeeded);

    public long Failed => Interlocked.Read(ref _failed);

    public void Start() => Interlocked.Increment(ref _started);

    public void End(bool succeeded) => Interlocked.Increment(ref succeeded ? ref _succeeded : ref _failed);
}
