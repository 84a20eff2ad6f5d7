using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace ContentPipeline.Hosting;

/// <summary>
/// Reads the storage connection the way the Azure Functions host reads a binding's <c>Connection</c>, so one setting
/// serves the blob trigger and the pipeline's own clients:
/// <list type="bullet">
/// <item><c>ContentStorage</c> = a connection string (Azurite locally: <c>UseDevelopmentStorage=true</c>);</item>
/// <item>or identity-based: <c>ContentStorage__blobServiceUri</c>, <c>ContentStorage__queueServiceUri</c>,
/// <c>ContentStorage__tableServiceUri</c> (or <c>ContentStorage__accountName</c>), with
/// <c>ContentStorage__credential = managedidentity</c> and <c>ContentStorage__clientId</c> for a user-assigned identity.</item>
/// </list>
/// </summary>
public static class StorageConnection
{
    /// <summary>The connection's name: the app setting, and the <c>Connection</c> of the blob trigger.</summary>
    public const string Name = "ContentStorage";

    /// <summary>Whether the configuration defines the connection in either form.</summary>
    public static bool IsConfigured(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return !string.IsNullOrWhiteSpace(section.Value) || section["blobServiceUri"] is not null || section["accountName"] is not null;
    }

    /// <summary>The credential for identity-based connections.</summary>
    public static TokenCredential CreateCredential(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase) && section["clientId"] is { } clientId
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();
    }

    /// <summary>Creates the blob service client for the connection.</summary>
    public static BlobServiceClient CreateBlobServiceClient(IConfigurationSection section, TokenCredential credential, BlobClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        return string.IsNullOrWhiteSpace(section.Value)
            ? new BlobServiceClient(ServiceUri(section, "blob"), credential, options)
            : new BlobServiceClient(section.Value, options);
    }

    /// <summary>Creates the table service client for the connection.</summary>
    public static TableServiceClient CreateTableServiceClient(IConfigurationSection section, TokenCredential credential, TableClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        return string.IsNullOrWhiteSpace(section.Value)
            ? new TableServiceClient(ServiceUri(section, "table"), credential, options)
            : new TableServiceClient(section.Value, options);
    }

    /// <summary>Creates the queue service client for the connection.</summary>
    public static QueueServiceClient CreateQueueServiceClient(IConfigurationSection section, TokenCredential credential, QueueClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        return string.IsNullOrWhiteSpace(section.Value)
            ? new QueueServiceClient(ServiceUri(section, "queue"), credential, options)
            : new QueueServiceClient(section.Value, options);
    }

    private static Uri ServiceUri(IConfigurationSection section, string service)
    {
        if (section[$"{service}ServiceUri"] is { } uri)
        {
            return new Uri(uri);
        }

        return section["accountName"] is { } account
            ? new Uri($"https://{account}.{service}.core.windows.net")
            : throw new InvalidOperationException($"Set {Name} to a connection string, or {Name}__{service}ServiceUri (or {Name}__accountName) for an identity-based connection.");
    }
}
