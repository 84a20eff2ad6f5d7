using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ContentPipeline.Storage;
using Microsoft.Extensions.Hosting;

namespace ContentPipeline.LocalHost;

/// <summary>
/// Locally, feed readers fetch the feeds straight from Azurite, so the feeds container allows anonymous reads of its
/// blobs (never a listing). In Azure, infra/ decides how the feeds are exposed.
/// </summary>
public sealed class FeedsPublicAccess(BlobServiceClient blobs) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var feeds = blobs.GetBlobContainerClient(StorageNames.FeedsContainer);
        await feeds.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await feeds.SetAccessPolicyAsync(PublicAccessType.Blob, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
