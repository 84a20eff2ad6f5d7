using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace ContentPipeline.Feeds;

/// <summary>
/// The feeds container. Every feed file carries a SHA-256 of its content in its metadata and is rewritten only when
/// that changes, so a reader's conditional GET keeps answering 304 while a feed stays the same. Every write and delete is
/// conditional on the version the run listed, so runs on several instances at once never undo each other's newer work.
/// </summary>
internal sealed class FeedBlobs(BlobContainerClient container, string cacheControl)
{
    private const string HashKey = "contenthash";

    /// <summary>Metadata: when the run that wrote a feed file read its list (UTC ticks).</summary>
    public const string BuiltAtKey = "builtat";

    /// <summary>How many times a write goes round when other runs keep writing the same file.</summary>
    private const int MaxConflicts = 5;

    /// <summary>Every file in the container with its metadata, by path (creates the container when it is missing).</summary>
    public Task<Dictionary<string, BlobItem>> ListAsync(CancellationToken cancellationToken) => ListAsync(prefix: null, cancellationToken);

    /// <summary>The files whose path starts with <paramref name="prefix"/> (all when null), as <see cref="ListAsync(CancellationToken)"/>.</summary>
    public async Task<Dictionary<string, BlobItem>> ListAsync(string? prefix, CancellationToken cancellationToken)
    {
        var blobs = new Dictionary<string, BlobItem>(StringComparer.Ordinal);
        try
        {
            await foreach (var blob in container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
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

    /// <summary>A file's content and ETag, or null when it does not exist.</summary>
    public async Task<(BinaryData Content, ETag ETag)?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var result = (await container.GetBlobClient(path).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
            return (result.Content, result.Details.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>When the content of a file was read from the index (<see cref="BuiltAtKey"/>); the oldest possible when it does not say.</summary>
    public static DateTimeOffset BuiltAt(IDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue(BuiltAtKey, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTimeOffset.MaxValue.UtcTicks
            ? new DateTimeOffset(ticks, TimeSpan.Zero)
            : DateTimeOffset.MinValue;

    /// <summary>
    /// Writes a feed file unless <paramref name="existing"/> (its listing) shows the same content. The write is
    /// conditional on the version listed: when another run wrote the file meanwhile, the newer read wins, by the
    /// <paramref name="builtAt"/> both stamp their files with, so overlapping runs never leave an older feed over a
    /// newer one.
    /// </summary>
    public async Task<FeedWrite> WriteIfChangedAsync(string path, byte[] content, string contentType, BlobItem? existing, DateTimeOffset builtAt, CancellationToken cancellationToken)
    {
        var hash = Hash(content);
        if (existing?.Metadata is { } current && current.TryGetValue(HashKey, out var currentHash) && currentHash == hash)
        {
            return FeedWrite.Unchanged;
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [BuiltAtKey] = builtAt.UtcTicks.ToString(CultureInfo.InvariantCulture) };
        var condition = existing is null ? (ETag?)null : existing.Properties.ETag;
        for (var attempt = 0; attempt < MaxConflicts; attempt++)
        {
            if (await TryWriteAsync(path, content, contentType, metadata, condition, cancellationToken).ConfigureAwait(false))
            {
                return FeedWrite.Written;
            }

            // Another run wrote (or removed) the file since it was listed.
            BlobProperties? now;
            try
            {
                now = (await container.GetBlobClient(path).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
            {
                now = null;
            }

            if (now is not null && (BuiltAt(now.Metadata) >= builtAt || (now.Metadata.TryGetValue(HashKey, out var nowHash) && nowHash == hash)))
            {
                return FeedWrite.Superseded;
            }

            condition = now?.ETag;
        }

        return FeedWrite.Superseded; // others kept writing it: the last of them read after this run
    }

    /// <summary>
    /// Writes a file if it is still the version <paramref name="ifMatch"/> (none: only if it does not exist); false when
    /// another writer got there first. <paramref name="metadata"/> is kept beside the content hash.
    /// </summary>
    public async Task<bool> TryWriteAsync(string path, byte[] content, string contentType, IDictionary<string, string>? metadata, ETag? ifMatch, CancellationToken cancellationToken)
    {
        var written = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal) { [HashKey] = Hash(content) };
        try
        {
            await container.GetBlobClient(path).UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType, CacheControl = cacheControl },
                Metadata = written,
                Conditions = ifMatch is { } etag ? new BlobRequestConditions { IfMatch = etag } : new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict or (int)HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Whether a file's listed metadata shows this content.</summary>
    public static bool Shows(BlobItem? existing, byte[] content, IDictionary<string, string>? metadata) =>
        existing?.Metadata is { } current && current.TryGetValue(HashKey, out var currentHash) && currentHash == Hash(content)
        && (metadata is null || metadata.All(m => current.TryGetValue(m.Key, out var value) && value == m.Value));

    /// <summary>Removes a file unless it changed since it was listed as <paramref name="ifMatch"/>; false when it did.</summary>
    public async Task<bool> DeleteAsync(string path, ETag ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            await container.DeleteBlobIfExistsAsync(path, conditions: new BlobRequestConditions { IfMatch = ifMatch }, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed)
        {
            return false;
        }
    }

    private static string Hash(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
