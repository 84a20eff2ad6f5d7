namespace ContentPipeline.Storage;

/// <summary>
/// Lets an upload return once its article is committed, while its index entries are written behind it: at most
/// <see cref="IndexOptions.WriteBehindSaves"/> saves at a time, so that under a burst the entries of many uploads gather
/// in group commit's partition queues and share transactions (an upload's entries sit in about five lists; with only
/// the uploads in flight they rarely meet). Past that number a save writes its index itself, as every save did before:
/// the backlog is bounded and a burst slows the uploads, not the memory.
/// Nothing is lost when the process dies with saves behind: each save's pending record and its article's
/// <c>IndexSynced = false</c> were written before the commit, so the next save of the article or the repair timer
/// finishes it, as for any save cut short. On a graceful stop, <see cref="DrainAsync"/> lets those in flight finish.
/// </summary>
internal sealed class IndexWriteBehind(int capacity)
{
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _running = [];

    /// <summary>
    /// Starts <paramref name="finish"/> behind the caller when a place is free: true, with the task to wait on for the
    /// index to be in step. False when write-behind is off or full: the caller finishes the save itself.
    /// </summary>
    public bool TryStart(Func<Task> finish, out Task indexed)
    {
        lock (_gate)
        {
            if (_running.Count >= capacity)
            {
                indexed = Task.CompletedTask;
                return false;
            }

            // Off the caller's stack: the caller has its answer at once, and the save goes on on the thread pool.
            indexed = Task.Run(finish, CancellationToken.None);
            _running.Add(indexed);
        }

        _ = ForgetWhenDoneAsync(indexed);
        return true;
    }

    /// <summary>Waits for every save written behind so far (their failures are their callers' to see, not the drain's).</summary>
    public Task DrainAsync()
    {
        Task[] running;
        lock (_gate)
        {
            running = [.. _running];
        }

        return Task.WhenAll(running.Select(Settled));
    }

    private async Task ForgetWhenDoneAsync(Task indexed)
    {
        await Settled(indexed).ConfigureAwait(false);
        lock (_gate)
        {
            _running.Remove(indexed);
        }
    }

    /// <summary>Completes when <paramref name="task"/> does, successfully whatever its end.</summary>
    private static Task Settled(Task task) =>
        task.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
