using Azure.Core;
using Azure.Core.Pipeline;
using ContentPipeline.Storage;

namespace ContentPipeline.IntegrationTests.Infrastructure;

/// <summary>
/// Delays every write to the index table, as a slow network or a throttled partition would: widens the window in which
/// another writer (in this process or on another instance) gets in between a save's phases.
/// </summary>
public sealed class SlowIndexWrites(TimeSpan delay) : HttpPipelinePolicy
{
    private int _delayed;

    /// <summary>How many writes were held back so far (a test can tell the slowness really applied).</summary>
    public int Delayed => Volatile.Read(ref _delayed);

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        // Single writes name the table in the path; transactions (group-committed index writes) go to $batch.
        var path = message.Request.Uri.Path;
        if (message.Request.Method != RequestMethod.Get && (path.Contains($"/{StorageNames.IndexTable}(", StringComparison.Ordinal) || path.EndsWith("/$batch", StringComparison.Ordinal)))
        {
            Interlocked.Increment(ref _delayed);
            await Task.Delay(delay);
        }

        await ProcessNextAsync(message, pipeline);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        throw new NotSupportedException("The store is asynchronous.");
}
