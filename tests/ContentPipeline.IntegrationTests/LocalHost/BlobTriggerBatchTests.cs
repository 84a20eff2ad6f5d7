using ContentPipeline.LocalHost.Blobs;

namespace ContentPipeline.IntegrationTests.LocalHost;

/// <summary>The blob-trigger queue is received in the batches the blobs extension uses for a given parallelism.</summary>
public sealed class BlobTriggerBatchTests
{
    [Theory]
    [InlineData(1, 1)] // one at a time: a batch of one, the next when none runs
    [InlineData(2, 2)]
    [InlineData(8, 5)] // this app's host.json: 5 per receive, a new batch once 3 or fewer run
    [InlineData(16, 9)] // the default on two cores (8 per core)
    [InlineData(100, 32)] // never more than the queue service hands out at once
    public void BatchSize_IsHalfTheParallelismPlusOne_AtMost32(int parallelism, int batch) =>
        Assert.Equal(batch, BlobTriggerQueueListener.BatchSize(parallelism));
}
