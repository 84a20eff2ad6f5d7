using System.Text.Json;
using System.Text.Json.Serialization;

namespace ContentPipeline.LocalHost.Events;

/// <summary>
/// A storage account's blob event in Event Grid's schema, as Event Grid posts it to a webhook: what the stand-in raises
/// for a written or deleted blob (and what the benchmark posts, as Event Grid would).
/// </summary>
public static class StorageBlobEvent
{
    /// <summary>A finished write.</summary>
    public const string Created = "Microsoft.Storage.BlobCreated";

    /// <summary>A deletion.</summary>
    public const string Deleted = "Microsoft.Storage.BlobDeleted";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>One event about <paramref name="blobName"/> in <paramref name="container"/> (no <c>eTag</c> field when it is null).</summary>
    public static JsonElement Create(string eventType, string api, string accountName, string container, string blobName, Uri blobUrl, string? eTag, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(blobUrl);
        return JsonSerializer.SerializeToElement(
            new
            {
                id = Guid.NewGuid().ToString(),
                topic = $"/subscriptions/local/resourceGroups/local/providers/Microsoft.Storage/storageAccounts/{accountName}",
                subject = $"/blobServices/default/containers/{container}/blobs/{blobName}",
                eventType,
                eventTime = at,
                data = new { api, contentType = "application/octet-stream", blobType = "BlockBlob", eTag, url = blobUrl.AbsoluteUri },
                dataVersion = string.Empty,
                metadataVersion = "1",
            },
            Json);
    }
}
