using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace ContentPipeline.LocalHost;

/// <summary>Uploads a folder of article files, as an uploader would; files already there with the same content are skipped.</summary>
public static class SeedUploader
{
    public static async Task<(int Uploaded, int Unchanged)> UploadFolderAsync(BlobContainerClient container, string folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        var (uploaded, unchanged) = (0, 0);
        foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(folder, path).Replace('\\', '/');
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            var md5 = MD5.HashData(bytes);
            var blob = container.GetBlobClient(name);
            try
            {
                var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                if (properties.Value.ContentHash is { } existing && existing.AsSpan().SequenceEqual(md5))
                {
                    unchanged++;
                    continue;
                }
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Not uploaded yet.
            }

            await blob.UploadAsync(BinaryData.FromBytes(bytes), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentHash = md5, ContentType = "text/markdown; charset=utf-8" } }, cancellationToken).ConfigureAwait(false);
            uploaded++;
        }

        return (uploaded, unchanged);
    }
}
