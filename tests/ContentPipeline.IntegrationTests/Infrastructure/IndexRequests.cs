using Azure.Core;
using ContentPipeline.Storage;

namespace ContentPipeline.IntegrationTests.Infrastructure;

/// <summary>What a request to the index table is, for policies that fail or hold some of them.</summary>
public static class IndexRequests
{
    /// <summary>
    /// A write to the index's lists: a single write to the index table outside the pending partition, or a transaction
    /// (group-committed writes go to <c>$batch</c>).
    /// </summary>
    public static bool IsListWrite(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var path = Uri.UnescapeDataString(message.Request.Uri.Path);
        return message.Request.Method != RequestMethod.Get
            && ((path.Contains($"/{StorageNames.IndexTable}(", StringComparison.Ordinal) && !path.Contains($"PartitionKey='{IndexPartitions.Pending}'", StringComparison.Ordinal))
                || path.EndsWith("/$batch", StringComparison.Ordinal));
    }
}
