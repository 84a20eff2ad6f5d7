using Azure.Storage.Blobs;
using ContentPipeline.Feeds;

namespace ContentPipeline.IntegrationTests.Infrastructure;

/// <summary>Feed runs in tests.</summary>
public static class FeedRuns
{
    /// <summary>
    /// Runs until a run finds nothing left to do: what earlier steps changed is published, past the run's margin (a run
    /// rereads what changed within a second of its last read, by the storage clock).
    /// </summary>
    public static async Task SettleAsync(this FeedPublisher publisher, BlobContainerClient feeds)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        for (var run = 0; run < 10; run++)
        {
            if ((await publisher.PublishAsync(default)).Skipped)
            {
                return;
            }

            await StorageClock.WaitPastAsync(feeds, (await StorageClock.NowAsync(feeds)).AddSeconds(1));
        }

        Assert.Fail("The feed runs never settled.");
    }
}
