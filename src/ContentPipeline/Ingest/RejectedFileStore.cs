using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ContentPipeline.Articles;
using ContentPipeline.Diagnostics;
using ContentPipeline.Parsing;
using ContentPipeline.Storage;
using Microsoft.Extensions.Logging;

namespace ContentPipeline.Ingest;

/// <summary>
/// Moves files that cannot be ingested out of the incoming container into <c>rejected/files/{name}</c>, with the
/// reason in <c>rejected/reasons/{name}.json</c>. Every step is idempotent, so a retried delivery repeats it safely.
/// The incoming blob is deleted only if it is still the version that was rejected (ETag condition): a corrected
/// file uploaded meanwhile stays, and its own event ingests it.
/// </summary>
public sealed partial class RejectedFileStore
{
    /// <summary>Where reasons are kept: the rejected files', then the unsafe names' (the list's order).</summary>
    private static readonly string[] ReasonPrefixes = [StorageNames.RejectedReasonsPrefix, StorageNames.RejectedUnsafeNamesPrefix];

    private readonly BlobContainerClient _rejected;
    private readonly TimeProvider _time;
    private readonly ILogger<RejectedFileStore> _logger;

    /// <summary>Creates the store.</summary>
    public RejectedFileStore(BlobServiceClient blobs, TimeProvider time, ILogger<RejectedFileStore> logger)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        _rejected = blobs.GetBlobContainerClient(StorageNames.RejectedContainer);
        _time = time;
        _logger = logger;
    }

    /// <summary>The blob holding the rejected file called <paramref name="blobName"/>.</summary>
    public BlobClient FileBlob(string blobName) => _rejected.GetBlobClient(StorageNames.RejectedFilesPrefix + blobName);

    /// <summary>The blob holding the reason for the rejected file called <paramref name="blobName"/>.</summary>
    public BlobClient ReasonBlob(string blobName) => _rejected.GetBlobClient($"{StorageNames.RejectedReasonsPrefix}{blobName}.json");

    /// <summary>The blob holding the reason for a blob whose name is unsafe: named by a hash, never by the name itself.</summary>
    public BlobClient UnsafeNameReasonBlob(string containerName, string blobName)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{containerName}/{blobName}"));
        return _rejected.GetBlobClient($"{StorageNames.RejectedUnsafeNamesPrefix}{Convert.ToHexStringLower(hash)}.json");
    }

    /// <summary>
    /// One page of the reasons kept, for editors: the rejected files' (by name), then the unsafe names' (left in place).
    /// Each item is read from its reason blob, so a page costs a listing and <paramref name="limit"/> reads.
    /// </summary>
    /// <exception cref="InvalidCursorException">The cursor is not one this list returned.</exception>
    public async Task<RejectionPage> ListAsync(string? cursor, int limit, CancellationToken cancellationToken)
    {
        var (prefix, token) = cursor is null ? (0, null) : RejectionCursor.Decode(cursor);
        var items = new List<Rejection>(limit);
        while (true)
        {
            var page = await ReadPageAsync(ReasonPrefixes[prefix], token, limit - items.Count, cancellationToken).ConfigureAwait(false);
            var read = await Task.WhenAll(page.Values.Select(b => ReadReasonAsync(_rejected.GetBlobClient(b.Name), cancellationToken))).ConfigureAwait(false);
            items.AddRange(read.OfType<Rejection>());
            if (page.ContinuationToken is { Length: > 0 } more)
            {
                return new RejectionPage(items, RejectionCursor.Encode(prefix, more));
            }

            if (prefix + 1 == ReasonPrefixes.Length)
            {
                return new RejectionPage(items, null);
            }

            (prefix, token) = (prefix + 1, null);
            if (items.Count == limit)
            {
                return new RejectionPage(items, RejectionCursor.Encode(prefix, null)); // a full page: the next one starts there
            }
        }
    }

    /// <summary>The reason kept for the file <paramref name="blobName"/> (rejected, or left in place for its name), or null.</summary>
    public async Task<Rejection?> GetAsync(string blobName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobName);

        // A reason blob is named after the file, and the name comes from outside: read it only when the client built
        // from it addresses exactly that blob (System.Uri collapses '..'). Unsafe names' reasons are named by a hash.
        var reason = ReasonBlob(blobName);
        var direct = reason.BlobContainerName == _rejected.Name && reason.Name == $"{StorageNames.RejectedReasonsPrefix}{blobName}.json"
            ? await ReadReasonAsync(reason, cancellationToken).ConfigureAwait(false)
            : null;
        return direct ?? await ReadReasonAsync(UnsafeNameReasonBlob(StorageNames.IncomingContainer, blobName), cancellationToken).ConfigureAwait(false);
    }

    private async Task<Page<BlobItem>> ReadPageAsync(string prefix, string? token, int limit, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var page in _rejected.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).AsPages(token, limit).ConfigureAwait(false))
            {
                return page;
            }
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.BadRequest && token is not null)
        {
            throw new InvalidCursorException("The cursor is not one this list returned.", ex);
        }

        return Page<BlobItem>.FromValues([], null, null!);
    }

    private static async Task<Rejection?> ReadReasonAsync(BlobClient reason, CancellationToken cancellationToken)
    {
        try
        {
            var content = await reason.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return content.Value.Content.ToObjectFromJson<Rejection>(ArticleJson.Options);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return null; // removed by an operator between the listing and the read
        }
    }

    /// <summary>
    /// Records why the blob <paramref name="blobName"/> of <paramref name="containerName"/> cannot be ingested because of
    /// its name, without building any client from that name: the file stays where it is, untouched.
    /// </summary>
    public async Task<Rejection> RecordUnsafeNameAsync(string containerName, string blobName, string? etag, ParseProblem problem, CancellationToken cancellationToken)
    {
        var rejection = new Rejection(blobName, etag, null, _time.GetUtcNow(), [problem]);
        var reason = UnsafeNameReasonBlob(containerName, blobName);
        await UploadReasonAsync(reason, rejection, cancellationToken).ConfigureAwait(false);
        LogUnsafeName(LogText.Escape(containerName), LogText.Escape(blobName), LogText.Escape(problem.Message), reason.Name);
        return rejection;
    }

    /// <summary>
    /// Rejects the incoming <paramref name="source"/>: keeps <paramref name="content"/> (the bytes already read), writes the
    /// reason, then deletes the incoming blob.
    /// </summary>
    public async Task<Rejection> RejectAsync(BlobClient source, ArticleSource version, long size, Stream content, IReadOnlyList<ParseProblem> problems, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(version);
        await FileBlob(version.BlobName).UploadAsync(content, overwrite: true, cancellationToken).ConfigureAwait(false);
        return await RecordAndRemoveAsync(source, version, size, problems, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Rejection> RecordAndRemoveAsync(BlobClient source, ArticleSource version, long size, IReadOnlyList<ParseProblem> problems, CancellationToken cancellationToken)
    {
        var rejection = new Rejection(version.BlobName, version.ETag, size, _time.GetUtcNow(), problems);
        await UploadReasonAsync(ReasonBlob(version.BlobName), rejection, cancellationToken).ConfigureAwait(false);
        try
        {
            await source.DeleteIfExistsAsync(conditions: new BlobRequestConditions { IfMatch = new ETag(version.ETag) }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed)
        {
            LogReplacedMeanwhile(LogText.Escape(version.BlobName));
        }

        LogRejected(LogText.Escape(version.BlobName), problems.Count, problems.Count == 0 ? string.Empty : LogText.Escape(problems[0].ToString()), LogText.Escape(FileBlob(version.BlobName).Name));
        return rejection;
    }

    private static Task UploadReasonAsync(BlobClient reason, Rejection rejection, CancellationToken cancellationToken) =>
        reason.UploadAsync(
            BinaryData.FromObjectAsJson(rejection, ArticleJson.Options),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
            cancellationToken);

    /// <summary>
    /// Rejects a file too large to read: the service copies it into the rejected container (only the version that was
    /// measured: If-Match on the source), so it never passes through this process.
    /// </summary>
    public async Task<Rejection> RejectByCopyAsync(BlobClient source, ArticleSource version, long size, IReadOnlyList<ParseProblem> problems, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(version);
        var copy = await FileBlob(version.BlobName).StartCopyFromUriAsync(
            source.Uri,
            new BlobCopyFromUriOptions { SourceConditions = new BlobRequestConditions { IfMatch = new ETag(version.ETag) } },
            cancellationToken).ConfigureAwait(false);
        await copy.WaitForCompletionAsync(cancellationToken).ConfigureAwait(false);
        return await RecordAndRemoveAsync(source, version, size, problems, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected {BlobName}: {ProblemCount} problem(s), first {FirstProblem}; moved to rejected/{RejectedBlob}")]
    private partial void LogRejected(string blobName, int problemCount, string firstProblem, string rejectedBlob);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Left {Container}/{BlobName} untouched: {Reason}; reason recorded in rejected/{ReasonBlob}")]
    private partial void LogUnsafeName(string container, string blobName, string reason, string reasonBlob);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kept incoming {BlobName}: it was replaced after the rejected version was read")]
    private partial void LogReplacedMeanwhile(string blobName);
}
