using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using ContentPipeline.Hosting;

namespace ContentPipeline.LocalHost.Storage;

/// <summary>
/// Storage clients for the connections the app's settings name, read as the Azure host reads them (a connection string,
/// or <c>__blobServiceUri</c>/<c>__queueServiceUri</c> with a credential): <c>AzureWebJobsStorage</c> for the host's own
/// state, and a trigger's <c>Connection</c>. One client per connection, for the host's lifetime. Queue messages are
/// Base64, the WebJobs SDK's encoding.
/// </summary>
public sealed class StorageAccounts(AppSettings settings)
{
    /// <summary>The host's own storage: blob-trigger queues, timer status, the Event Grid stand-in's state.</summary>
    public const string HostConnection = "AzureWebJobsStorage";

    /// <summary>The host's container in <see cref="HostConnection"/>: timer status, singleton locks, the stand-in's checkpoints.</summary>
    public const string HostsContainer = "azure-webjobs-hosts";

    private readonly ConcurrentDictionary<string, BlobServiceClient> _blobs = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, QueueServiceClient> _queues = new(StringComparer.OrdinalIgnoreCase);

    public BlobServiceClient Blobs(string connection) =>
        _blobs.GetOrAdd(connection, name => StorageConnection.CreateBlobServiceClient(Section(name), StorageConnection.CreateCredential(Section(name)), new BlobClientOptions()));

    public QueueServiceClient Queues(string connection) =>
        _queues.GetOrAdd(connection, name => StorageConnection.CreateQueueServiceClient(Section(name), StorageConnection.CreateCredential(Section(name)), new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }));

    private Microsoft.Extensions.Configuration.IConfigurationSection Section(string name)
    {
        var section = settings.Configuration.GetSection(name);
        return StorageConnection.IsConfigured(section)
            ? section
            : throw new InvalidOperationException($"The app setting '{name}' names no storage account: set it to a connection string (UseDevelopmentStorage=true for Azurite's default ports) or to an identity-based connection.");
    }
}
