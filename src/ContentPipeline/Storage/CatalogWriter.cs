using Azure;
using Azure.Data.Tables;

namespace ContentPipeline.Storage;

/// <summary>
/// Writes the catalog rows of changed lists, at most once per list per <see cref="IndexOptions.CatalogInterval"/>
/// in this process. The first change of a list after a quiet interval is written at once (the leading edge); changes
/// within the interval of the last write share one write at its end (the trailing edge), which a change joins only
/// after its entries are written, so a reader that sees a catalog row's time finds every change up to it in the list.
/// A trailing write that fails is tried again after the interval, a few times; the save records that wait on it keep
/// their pending records until it lands, so repair rewrites the rows should this process die first.
/// </summary>
internal sealed class CatalogWriter(GroupCommitWriter writer, TimeProvider time, TimeSpan interval)
{
    private const int TrailingAttempts = 10;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ListState> _lists = new(StringComparer.Ordinal);

    /// <summary>
    /// Marks <paramref name="lists"/> changed. Returns when the leading-edge writes among them are done, with the task
    /// of the trailing writes still to come (completed when there are none).
    /// </summary>
    public async Task<Task> TouchAsync(IReadOnlyCollection<string> lists, CancellationToken cancellationToken)
    {
        if (interval == TimeSpan.Zero)
        {
            await WriteNowAsync(lists, cancellationToken).ConfigureAwait(false);
            return Task.CompletedTask;
        }

        List<string> now = [];
        List<Task> later = [];
        lock (_gate)
        {
            var stamp = time.GetTimestamp();
            foreach (var list in lists)
            {
                if (!_lists.TryGetValue(list, out var state))
                {
                    _lists[list] = state = new ListState();
                }

                if (state.Trailing is { } trailing)
                {
                    later.Add(trailing); // a write at the end of the interval is already coming
                }
                else if (state.LastWrite is not { } last || time.GetElapsedTime(last, stamp) >= interval)
                {
                    state.LastWrite = stamp;
                    now.Add(list);
                }
                else
                {
                    state.Trailing = WriteLaterAsync(list, state, interval - time.GetElapsedTime(last, stamp));
                    later.Add(state.Trailing);
                }
            }
        }

        await WriteNowAsync(now, cancellationToken).ConfigureAwait(false);
        return later.Count == 0 ? Task.CompletedTask : Task.WhenAll(later);
    }

    /// <summary>Writes the rows of <paramref name="lists"/> now, whatever their interval (repair).</summary>
    public Task WriteNowAsync(IEnumerable<string> lists, CancellationToken cancellationToken) =>
        writer.WriteAsync(lists.Select(static list => new TableEntity(IndexPartitions.Catalog, list)), [], cancellationToken);

    private async Task WriteLaterAsync(string list, ListState state, TimeSpan delay)
    {
        await Task.Delay(delay, time).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            lock (_gate)
            {
                // From here a new change starts a new interval: it cannot be covered by this write's earlier content.
                state.Trailing = null;
                state.LastWrite = time.GetTimestamp();
            }

            try
            {
                await WriteNowAsync([list], CancellationToken.None).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is RequestFailedException or AggregateException && attempt < TrailingAttempts)
            {
                await Task.Delay(interval, time).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One list's last write and the write coming at the end of its interval (guarded by the lock).</summary>
    private sealed class ListState
    {
        public long? LastWrite { get; set; }

        public Task? Trailing { get; set; }
    }
}
