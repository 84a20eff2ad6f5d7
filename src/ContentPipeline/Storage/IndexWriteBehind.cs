namespace ContentPipeline.Storage;

/// <summary>
/// Lets an upload return once its article is committed, while its index entries are written behind it: at most
/// <see cref="IndexOptions.WriteBehindSaves"/> saves at a time, so that under a burst the entries of many uploads gather
/// in group commit's partition queues and share transactions (an upload's entries sit in about five lists; with only
/// the uploads in flight they rarely meet). Past that number a save writes its index itself, as every save did before:
/// the backlog is bounded and a burst slows the uploads, not the memory.
/// <para>
/// Nothing is lost when the process dies with saves behind: each save's pending record and its article's
/// <c>IndexSynced = false</c> were written before the commit, so the next save of the article or the repair timer
/// finishes it, as for any save cut short. A save behind gets at most <see cref="Deadline"/> (less than
/// <see cref="RepairOptions.MinAge"/>, like a function's timeout), so repair never takes the record of one still
/// running. Another save of the same article in this process first waits for the one behind
/// (<see cref="WhenFinishedAsync"/>), so it meets the article in step, as it would have before. On a graceful stop,
/// <see cref="DrainAsync"/> stops taking saves and lets those in flight finish.
/// </para>
/// </summary>
internal sealed class IndexWriteBehind(int capacity)
{
    /// <summary>The longest a save behind may run: host.json's <c>functionTimeout</c>, under repair's least age.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);

    private readonly Lock _gate = new();
    private readonly HashSet<Task> _running = [];
    private readonly Dictionary<string, Task> _latestByArticle = new(StringComparer.Ordinal);
    private bool _draining;

    /// <summary>
    /// Starts <paramref name="finish"/> for article <paramref name="articleId"/> behind the caller when a place is free:
    /// true, with the task to wait on for the index to be in step. False when write-behind is off, full or draining: the
    /// caller finishes the save itself. <paramref name="finish"/> gets a token that ends at <see cref="Deadline"/>.
    /// </summary>
    public bool TryStart(string articleId, Func<CancellationToken, Task> finish, out Task indexed)
    {
        lock (_gate)
        {
            if (_draining || _running.Count >= capacity)
            {
                indexed = Task.CompletedTask;
                return false;
            }

            // Off the caller's stack: the caller has its answer at once, and the save goes on on the thread pool.
            indexed = Task.Run(() => RunAsync(finish), CancellationToken.None);
            _running.Add(indexed);
            _latestByArticle[articleId] = indexed;
        }

        _ = ForgetWhenDoneAsync(articleId, indexed);
        return true;
    }

    /// <summary>Completes once the save of <paramref name="articleId"/> written behind in this process (if any) ended, however it ended.</summary>
    public Task WhenFinishedAsync(string articleId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _latestByArticle.TryGetValue(articleId, out var running) ? Settled(running).WaitAsync(cancellationToken) : Task.CompletedTask;
        }
    }

    /// <summary>Stops taking saves, then waits for every save written behind (their failures are their callers' to see).</summary>
    public Task DrainAsync()
    {
        Task[] running;
        lock (_gate)
        {
            _draining = true;
            running = [.. _running];
        }

        return Task.WhenAll(running.Select(Settled));
    }

    private static async Task RunAsync(Func<CancellationToken, Task> finish)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        await finish(deadline.Token).ConfigureAwait(false);
    }

    private async Task ForgetWhenDoneAsync(string articleId, Task indexed)
    {
        await Settled(indexed).ConfigureAwait(false);
        _ = indexed.Exception; // logged where it happened; observed here, so nobody waiting on it is no unobserved fault
        lock (_gate)
        {
            _running.Remove(indexed);
            if (_latestByArticle.TryGetValue(articleId, out var latest) && latest == indexed)
            {
                _latestByArticle.Remove(articleId);
            }
        }
    }

    /// <summary>Completes when <paramref name="task"/> does, successfully whatever its end.</summary>
    private static Task Settled(Task task) =>
        task.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
