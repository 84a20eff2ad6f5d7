using System.Net;
using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace ContentPipeline.Feeds;

/// <summary>
/// The feeds container. Every feed file carries a SHA-256 of its content in its metadata and is rewritten only when
/// that changes, so a reader's conditional GET keeps answering 304 while a feed stays the same.
/// </summary>
internal sealed class FeedBlobs(BlobContainerClient container, string cacheControl)
{
    private const string HashKey = "contenthash";

    /// <summary>Every file in the container with its metadata, by path (creates the container when it is missing).</summary>
    public async Task<Dictionary<string, BlobItem>> ListAsync(CancellationToken cancellationToken)
    {
        var blobs = new Dictionary<string, BlobItem>(StringComparer.Ordinal);
        try
        {
            await foreach (var blob in container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix: null, cancellationToken).ConfigureAwait(false))
            {
                blobs[blob.Name] = blob;
            }
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return blobs;
    }

    /// <summary>A file's metadata, or null when it does not exist.</summary>
    public async Task<IDictionary<string, string>?> MetadataAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await container.GetBlobClient(path).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value.Metadata;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>A file's content, or null when it does not exist.</summary>
    public async Task<BinaryData?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await container.GetBlobClient(path).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes a file unless <paramref name="existing"/> (its listing) shows the same content; returns whether it wrote.
    /// <paramref name="metadata"/> is kept beside the content hash.
    /// </summary>
    public async Task<bool> WriteIfChangedAsync(string path, byte[] content, string contentType, BlobItem? existing, IDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(content));
        if (existing?.Metadata is { } current && current.TryGetValue(HashKey, out var currentHash) && currentHash == hash
            && (metadata is null || metadata.All(m => current.TryGetValue(m.Key, out var value) && value == m.Value)))
        {
            return false;
        }

        var written = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal) { [HashKey] = hash };
        await container.GetBlobClient(path).UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType, CacheControl = cacheControl },
            Metadata = written,
        }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public Task DeleteAsync(string path, CancellationToken cancellationToken) =>
        container.DeleteBlobIfExistsAsync(path, cancellationToken: cancellationToken);
}
