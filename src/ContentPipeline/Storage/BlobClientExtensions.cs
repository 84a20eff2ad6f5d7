using System.Net;
using Azure;
using Azure.Storage.Blobs;

namespace ContentPipeline.Storage;

/// <summary>Small reads of blob state shared by the ingest path and the local host.</summary>
public static class BlobClientExtensions
{
    /// <summary>The blob's current ETag, or <see langword="null"/> when the blob no longer exists.</summary>
    public static async Task<string?> GetCurrentETagAsync(this BlobClient blob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        try
        {
            return (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value.ETag.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
