using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Azure.Storage.Blobs;

namespace ContentPipeline.Functions.Events;

/// <summary>
/// The fields of a storage event (Event Grid schema, or CloudEvents' <c>type</c>) that the app reads: its type and the
/// blob's container and name, taken from <c>data.url</c> as the blobs extension takes them for <c>BlobCreated</c>
/// (<see cref="BlobUriBuilder"/>, the host part ignored), so that a deleted file is named as its upload was.
/// </summary>
public sealed record BlobEvent(string EventType, string Container, string BlobName)
{
    public const string BlobDeletedType = "Microsoft.Storage.BlobDeleted";

    /// <summary>Reads one event's JSON text; false with the reason when it is not a blob event of the expected shape.</summary>
    public static bool TryParse(string json, [NotNullWhen(true)] out BlobEvent? blobEvent, [NotNullWhen(false)] out string? error)
    {
        blobEvent = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "the event is not a JSON object";
                return false;
            }

            var type = String(root, "eventType") ?? String(root, "type");
            if (type is null)
            {
                error = "the event has no eventType";
                return false;
            }

            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
                || String(data, "url") is not { } url || !Uri.TryCreate(url, UriKind.Absolute, out var blobUrl))
            {
                error = "the event's data.url is not an absolute URL";
                return false;
            }

            var blob = new BlobUriBuilder(blobUrl);
            if (string.IsNullOrEmpty(blob.BlobContainerName) || string.IsNullOrEmpty(blob.BlobName))
            {
                error = "the event's data.url names no blob";
                return false;
            }

            blobEvent = new BlobEvent(type, blob.BlobContainerName, blob.BlobName);
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            error = $"the event is not JSON ({ex.Message})";
            return false;
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
