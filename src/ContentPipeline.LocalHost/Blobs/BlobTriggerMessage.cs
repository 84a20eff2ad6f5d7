using System.Text.Json;
using System.Text.Json.Serialization;

namespace ContentPipeline.LocalHost.Blobs;

/// <summary>
/// The message the blobs extension puts on <c>azure-webjobs-blobtrigger-{hostId}</c> for each Event Grid event, and
/// copies to <c>webjobs-blobtrigger-poison</c> when it gives up: PascalCase JSON, indented, ETag in quotes.
/// </summary>
public sealed class BlobTriggerMessage
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string Type { get; init; } = "BlobTrigger";

    /// <summary>The function, as the webhook's <c>functionName</c> named it (<c>Host.Functions.{name}</c>).</summary>
    public required string FunctionId { get; init; }

    public string BlobType { get; init; } = "BlockBlob";

    public required string ContainerName { get; init; }

    public required string BlobName { get; init; }

    /// <summary>The event's ETag, quoted (<c>"0x8DC…"</c>); the Event Grid source never compares it.</summary>
    public string? ETag { get; init; }

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a message; null when it is not one (the listener treats it as a failure).</summary>
    public static BlobTriggerMessage? TryParse(string text)
    {
        try
        {
            var message = JsonSerializer.Deserialize<BlobTriggerMessage>(text, Json);
            return message is { FunctionId.Length: > 0, ContainerName.Length: > 0, BlobName.Length: > 0 } ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
