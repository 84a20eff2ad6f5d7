using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ContentPipeline.LocalHost.Catalog;
using ContentPipeline.LocalHost.Rpc;
using ContentPipeline.LocalHost.Worker;
using Google.Protobuf;

namespace ContentPipeline.LocalHost.Blobs;

/// <summary>
/// What a blob-triggered invocation carries, as the blobs extension builds it for an isolated worker: the blob as
/// <c>model_binding_data</c> (source <c>AzureStorageBlobs</c>, content <c>{Connection, ContainerName, BlobName}</c>, from
/// which the worker builds its <c>BlobClient</c>), and the binding data: <c>BlobTrigger</c>, <c>Uri</c>,
/// <c>Properties</c>, <c>Metadata</c>, and the trigger path's parameters (<c>name</c>) when the blob matches the path.
/// </summary>
public static partial class BlobTriggerInput
{
    public static InvocationInput Create(FunctionDescriptor function, BlobClient blob, BlobProperties? properties)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(blob);
        var trigger = function.Blob ?? throw new ArgumentException($"{function.Name} is not blob-triggered.", nameof(function));
        var content = JsonSerializer.SerializeToUtf8Bytes(new { Connection = trigger.Connection, ContainerName = blob.BlobContainerName, BlobName = blob.Name });
        var value = new TypedData
        {
            ModelBindingData = new ModelBindingData { Version = "1.0", Source = "AzureStorageBlobs", ContentType = "application/json", Content = ByteString.CopyFrom(content) },
        };
        var metadata = new Dictionary<string, TypedData>(StringComparer.OrdinalIgnoreCase)
        {
            ["BlobTrigger"] = new() { String = $"{blob.BlobContainerName}/{blob.Name}" },
            ["Uri"] = new() { Json = JsonSerializer.Serialize(blob.Uri.AbsoluteUri) },
        };
        if (properties is not null)
        {
            metadata["Properties"] = new() { Json = JsonSerializer.Serialize(new { properties.ETag, properties.LastModified, properties.ContentLength, properties.ContentType, BlobType = properties.BlobType.ToString() }) };
            metadata["Metadata"] = new() { Json = JsonSerializer.Serialize(properties.Metadata) };
        }

        foreach (var (name, matched) in MatchPath(trigger, blob.BlobContainerName, blob.Name))
        {
            metadata[name] = new() { String = matched };
        }

        return new InvocationInput(value, metadata);
    }

    /// <summary>
    /// The trigger path's parameters for a blob: none when the container is not the path's (compared ignoring case) or
    /// the name does not fit its pattern, so a function learns from a missing <c>name</c> that the blob is not one of
    /// its own.
    /// </summary>
    public static IReadOnlyDictionary<string, string> MatchPath(BlobTrigger trigger, string container, string blobName)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        var parts = trigger.Path.Split('/', 2);
        if (!string.Equals(parts[0], container, StringComparison.OrdinalIgnoreCase) || parts.Length < 2)
        {
            return new Dictionary<string, string>();
        }

        var pattern = "^" + Parameter().Replace(Regex.Escape(parts[1]).Replace("\\{", "{", StringComparison.Ordinal), m => $"(?<{m.Groups[1].Value}>.+?)") + "$";
        var match = Regex.Match(blobName, pattern, RegexOptions.Singleline, TimeSpan.FromSeconds(1));
        return match.Success
            ? match.Groups.Cast<Group>().Skip(1).ToDictionary(g => g.Name, g => g.Value, StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, string>();
    }

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Parameter();
}
