using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using ContentPipeline.Changes;
using ContentPipeline.Feeds;
using ContentPipeline.Ranking;
using ContentPipeline.Sitemaps;
using ContentPipeline.Webhooks;
using ContentPipeline.Ingest;
using ContentPipeline.Parsing;
using ContentPipeline.Rendering;
using ContentPipeline.Storage;
using ContentPipeline.Stories;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ContentPipeline.Hosting;

/// <summary>The one registration of the pipeline, shared by the Functions app, the local host and the tests.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>The configuration section of <see cref="FrontMatterLimits"/>.</summary>
    public const string IngestSection = "Ingest";

    /// <summary>The configuration section of the Azure SDK clients' common options (retries, timeouts).</summary>
    public const string AzureDefaultsSection = "AzureDefaults";

    /// <summary>Registers the pipeline's options (validated at start), Azure clients (singletons) and services.</summary>
    public static IServiceCollection AddContentPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connection = configuration.GetSection(StorageConnection.Name);
        if (!StorageConnection.IsConfigured(connection))
        {
            throw new InvalidOperationException(
                $"The storage connection '{StorageConnection.Name}' is not configured: set it to a connection string (UseDevelopmentStorage=true for Azurite) or to an identity-based connection ({StorageConnection.Name}__blobServiceUri, __queueServiceUri, __tableServiceUri).");
        }

        services.AddOptions<FrontMatterLimits>().BindConfiguration(IngestSection).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FeedOptions>().BindConfiguration(FeedOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RankingOptions>().BindConfiguration(RankingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ChangeOptions>().BindConfiguration(ChangeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SitemapOptions>().BindConfiguration(SitemapOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StoryOptions>().BindConfiguration(StoryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RedriveOptions>().BindConfiguration(RedriveOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SweepOptions>().BindConfiguration(SweepOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<IndexOptions>().BindConfiguration(IndexOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RepairOptions>().BindConfiguration(RepairOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddAzureClients(clients =>
        {
            clients.AddClient<BlobServiceClient, BlobClientOptions>((options, credential) => StorageConnection.CreateBlobServiceClient(connection, credential, options));
            clients.AddClient<TableServiceClient, TableClientOptions>((options, credential) => StorageConnection.CreateTableServiceClient(connection, credential, options));
            clients.AddClient<QueueServiceClient, QueueClientOptions>((options, credential) =>
            {
                options.MessageEncoding = QueueMessageEncoding.Base64; // the Functions host's encoding (the poison queue)
                return StorageConnection.CreateQueueServiceClient(connection, credential, options);
            });
            clients.UseCredential(_ => StorageConnection.CreateCredential(connection));

            // The SDK's own log of every request and response (headers formatted for each, whatever the log level
            // keeps) costs a storage-bound worker a share of its CPU: off unless AzureDefaults:Diagnostics:IsLoggingEnabled
            // turns it on for troubleshooting. Failures still surface as exceptions, which the app logs itself.
            clients.ConfigureDefaults(static options => options.Diagnostics.IsLoggingEnabled = false);

            // Retries, timeouts and the like of every client, from the 'AzureDefaults' section (Retry:MaxRetries, ...).
            clients.ConfigureDefaults(configuration.GetSection(AzureDefaultsSection));
        });
        services.AddSingleton(sp => new FrontMatterParser(sp.GetRequiredService<IOptions<FrontMatterLimits>>().Value));
        services.AddSingleton<ArticleHtmlRenderer>();
        services.AddSingleton<ArticleIndex>();
        services.AddSingleton<ArticleStore>();
        services.AddSingleton<ArticleQueries>();
        services.AddSingleton<StoryStore>();
        services.AddSingleton<StoryDirectory>();
        services.AddSingleton<StoryAssigner>();
        services.AddSingleton<StoryEditor>();
        services.AddSingleton<StoryQueries>();
        services.AddSingleton<StoryFeeds>();
        services.AddSingleton<ChangeLog>();
        services.AddSingleton<SyncService>();
        services.AddSingleton<WebhookStore>();
        services.AddSingleton<WebhookRegistry>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddSingleton<RejectedFileStore>();
        services.AddSingleton<IngestStateStore>();
        services.AddSingleton<IngestService>();
        services.AddSingleton<DeletedFileHandler>();
        services.AddSingleton<BlobRedriver>();
        services.AddSingleton<IncomingSweeper>();
        services.AddSingleton<WebSubNotifier>();
        services.AddSingleton<SitemapPublisher>();
        services.AddSingleton<FeedPublisher>();
        services.AddSingleton<StorageProvisioner>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageProvisioner>());
        return services;
    }
}
