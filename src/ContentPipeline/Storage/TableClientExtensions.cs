using System.Net;
using Azure;
using Azure.Data.Tables;

namespace ContentPipeline.Storage;

/// <summary>Housekeeping on a table shared by the stores that prune what they keep (change log, webhook deliveries, story keys).</summary>
public static class TableClientExtensions
{
    /// <summary>The most operations of one transaction (all of one partition).</summary>
    public const int MaxTransaction = 100;

    private const int PageSize = 1000;
    private static readonly string[] KeyColumns = [nameof(TableEntity.PartitionKey), nameof(TableEntity.RowKey)];

    /// <summary>
    /// Deletes every row <paramref name="filter"/> matches (only their keys are read), in transactions of up to
    /// <see cref="MaxTransaction"/> rows of one partition, each row only as it was read: a transaction with a row written
    /// meanwhile (it may no longer match) deletes nothing, and the next prune looks at those rows again. Returns how many.
    /// </summary>
    public static async Task<int> DeleteWhereAsync(this TableClient table, string filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var batch = new List<TableTransactionAction>(MaxTransaction);
        var deleted = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(filter, PageSize, KeyColumns, cancellationToken).ConfigureAwait(false))
        {
            if (batch.Count == MaxTransaction || (batch.Count > 0 && batch[0].Entity.PartitionKey != row.PartitionKey))
            {
                deleted += await SubmitAsync(table, batch, cancellationToken).ConfigureAwait(false);
            }

            batch.Add(new TableTransactionAction(TableTransactionActionType.Delete, row, row.ETag == default ? ETag.All : row.ETag));
        }

        return deleted + await SubmitAsync(table, batch, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> SubmitAsync(TableClient table, List<TableTransactionAction> batch, CancellationToken cancellationToken)
    {
        var count = batch.Count;
        if (count == 0)
        {
            return 0;
        }

        try
        {
            await table.SubmitTransactionAsync(batch, cancellationToken).ConfigureAwait(false);
            return count;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            return 0; // written or deleted meanwhile
        }
        finally
        {
            batch.Clear();
        }
    }
}
