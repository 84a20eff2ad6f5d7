using Azure.Storage.Blobs;

namespace ContentPipeline.IntegrationTests.Infrastructure;

/// <summary>
/// The storage service's clock (the Date header of its responses, one-second resolution, like the Last-Modified and
/// Timestamp it stamps), for tests whose subject compares times the service stamps: they wait on it, not on a sleep.
/// </summary>
public static class StorageClock
{
    public static async Task<DateTimeOffset> NowAsync(BlobContainerClient container) =>
        (await container.GetPropertiesAsync()).GetRawResponse().Headers.Date
            ?? throw new InvalidOperationException("The storage service sent no Date header.");

    /// <summary>Waits until the service's clock reads later than <paramref name="moment"/>.</summary>
    public static Task WaitPastAsync(BlobContainerClient container, DateTimeOffset moment) =>
        Wait.UntilAsync(async () => await NowAsync(container) > moment, $"the storage clock passes {moment:O}");
}
