using Azure.Storage.Blobs.Models;
using ContentPipeline.Hosting;
using ContentPipeline.LocalHost.Storage;
using ContentPipeline.Storage;

namespace ContentPipeline.LocalHost;

/// <summary>
/// A local convenience for this app, not part of a Functions host: feed readers fetch the feeds straight from Azurite,
/// so the feeds container allows anonymous reads of its blobs (never a listing). In Azure, infra/ decides.
/// </summary>
public sealed class FeedsPublicAccess(StorageAccounts accounts) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var feeds = accounts.Blobs(StorageConnection.Name).GetBlobContainerClient(StorageNames.FeedsContainer);
        await feeds.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await feeds.SetAccessPolicyAsync(PublicAccessType.Blob, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
