using Azure.Data.Tables;
using ContentPipeline.Storage;

namespace ContentPipeline.Benchmarks;

/// <summary>
/// The end of an ingest's clock: uploads return once their articles are committed and their index entries are written
/// behind them (<see cref="IndexOptions.WriteBehindSaves"/>), so an ingest is only over when no save is pending any
/// more (every entry written, every catalog row too). Measuring only the invocations would leave that work out.
/// </summary>
public static class IndexInStep
{
    /// <summary>Waits until the index's pending partition is empty (checked every 50 ms) or <paramref name="limit"/> passes.</summary>
    public static async Task WaitAsync(TableServiceClient tables, TimeSpan limit)
    {
        var index = tables.GetTableClient(StorageNames.IndexTable);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartitions.Pending}");
        using var timeout = new CancellationTokenSource(limit);
        while (true)
        {
            await foreach (var page in index.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["RowKey"], cancellationToken: timeout.Token).AsPages())
            {
                if (page.Values.Count == 0 && page.ContinuationToken is null)
                {
                    return;
                }

                break;
            }

            await Task.Delay(50, timeout.Token);
        }
    }
}
