using Azure.Data.Tables;
using Azure.Storage.Blobs;
using ContentPipeline.Hosting;
using ContentPipeline.Ingest;
using ContentPipeline.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ContentPipeline.IntegrationTests.Infrastructure;

/// <summary>
/// One Azurite per test class, and the pipeline's services registered exactly as the Functions app registers them
/// (<c>AddContentPipeline</c>), with a fake clock.
/// </summary>
public class PipelineFixture : IAsyncLifetime
{
    private Azurite? _azurite;
    private ServiceProvider? _services;
    private IConfiguration? _configuration;

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));

    public Azurite Azurite => _azurite ?? throw new InvalidOperationException("Not started.");

    public IServiceProvider Services => _services ?? throw new InvalidOperationException("Not started.");

    public BlobServiceClient Blobs => Services.GetRequiredService<BlobServiceClient>();

    public TableServiceClient Tables => Services.GetRequiredService<TableServiceClient>();

    public BlobContainerClient Incoming => Blobs.GetBlobContainerClient(StorageNames.IncomingContainer);

    public BlobContainerClient Rejected => Blobs.GetBlobContainerClient(StorageNames.RejectedContainer);

    public TableClient ArticlesTable => Tables.GetTableClient(StorageNames.ArticlesTable);

    public TableClient IndexTable => Tables.GetTableClient(StorageNames.IndexTable);

    /// <summary>Settings added to the configuration (for example smaller limits).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new($"{IndexOptions.Section}:{nameof(IndexOptions.CatalogInterval)}", "00:00:00")]) // each change's catalog row at once, unless a fixture says otherwise
            .AddInMemoryCollection(Settings.Append(new(StorageConnection.Name, _azurite.ConnectionString)))
            .Build();
        _services = NewInstance();
        await Services.GetRequiredService<StorageProvisioner>().EnsureCreatedAsync(CancellationToken.None);
    }

    /// <summary>
    /// Another instance of the app on the same storage account, as a scale-out adds one: the same registrations and
    /// settings, its own singletons (clients, group commit, catalog debounce), nothing shared in memory but the clock.
    /// The caller disposes it. <paramref name="tables"/> adjusts its table client's options (a slow network, say).
    /// </summary>
    public ServiceProvider NewInstance(Action<TableClientOptions>? tables = null)
    {
        var configuration = _configuration ?? throw new InvalidOperationException("Not started.");
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton(configuration)
            .AddSingleton<TimeProvider>(Clock);
        services.AddContentPipeline(configuration);
        if (tables is not null)
        {
            services.ConfigureAll(tables); // AddAzureClients builds the client from named options of this type
        }

        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>Uploads a file to <c>incoming</c> and ingests it with its index entries in step; returns the article's id.</summary>
    public async Task<string> IngestAsync(ArticleText file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var name = $"{Guid.NewGuid():N}.txt";
        await Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        var result = await Services.GetRequiredService<IngestService>().IngestInStepAsync(name);
        return result.ArticleId ?? throw new InvalidOperationException(string.Join("; ", result.Problems));
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
