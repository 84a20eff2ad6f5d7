using System.Net;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;

namespace ContentPipeline.IntegrationTests.Infrastructure;

/// <summary>
/// Uploads a blob the way a hostile uploader can: with a raw HTTP PUT whose path is percent-encoded by hand, so that
/// names like <c>../feeds/x</c> reach the storage service as written. The Storage SDK cannot do it (its URLs collapse
/// dot segments), and that is the point: the pipeline must not be fooled by names it could not produce itself.
/// </summary>
public static class RawBlobUpload
{
    public static async Task PutAsync(BlobContainerClient container, string escapedName, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(container);
        var sas = container.GenerateSasUri(BlobContainerSasPermissions.All, DateTimeOffset.UtcNow.AddHours(1));
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"{container.Uri.AbsoluteUri}/{escapedName}{sas.Query}"))
        {
            Content = new ByteArrayContent(content),
        };
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"PUT {escapedName} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Every blob name in the container, as the service lists them (hostile names included).</summary>
    public static async Task<List<string>> ListNamesAsync(BlobContainerClient container)
    {
        ArgumentNullException.ThrowIfNull(container);
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync())
        {
            names.Add(blob.Name);
        }

        return names;
    }
}
