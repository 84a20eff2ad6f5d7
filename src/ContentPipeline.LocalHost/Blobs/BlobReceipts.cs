using System.Net;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace ContentPipeline.LocalHost.Blobs;

/// <summary>
/// Blob receipts where the Azure host keeps them: container <c>azure-webjobs-hosts</c>, blob
/// <c>blobreceipts/{hostId}/{functionId}/{etag}/{container}/{blob}</c>. A receipt says "this version of this blob was
/// handled by this function", so a restart does not run finished blobs again and a changed blob (new ETag) runs again.
/// </summary>
public sealed class BlobReceipts(BlobServiceClient blobs, string hostId)
{
    public const string Container = "azure-webjobs-hosts";

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(Container);

    public Task EnsureContainerAsync(CancellationToken cancellationToken) => _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    public static string Key(string etag, string container, string blobName) => $"{etag.Trim('"')}/{container}/{blobName}";

    /// <summary>Writes a receipt; <paramref name="outcome"/> (succeeded or poisoned) is kept in its metadata.</summary>
    public Task WriteAsync(string functionId, string key, string outcome, CancellationToken cancellationToken) =>
        _container.GetBlobClient(Path(functionId, key)).UploadAsync(
            BinaryData.Empty,
            new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["outcome"] = outcome } },
            cancellationToken);

    /// <summary>Every receipt of a function, as keys (<c>{etag}/{container}/{blob}</c>).</summary>
    public async Task<HashSet<string>> ListAsync(string functionId, CancellationToken cancellationToken)
    {
        var prefix = Path(functionId, string.Empty);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var blob in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
            {
                keys.Add(blob.Name[prefix.Length..]);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            // No receipts container yet: nothing has run.
        }

        return keys;
    }

    private string Path(string functionId, string key) => $"blobreceipts/{hostId}/{functionId}/{key}";
}
