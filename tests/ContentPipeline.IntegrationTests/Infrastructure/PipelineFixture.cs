using Azure.Data.Tables;
using Azure.Storage.Blobs;
using ContentPipeline.Hosting;
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
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new($"{IndexOptions.Section}:{nameof(IndexOptions.CatalogInterval)}", "00:00:00")]) // each change's catalog row at once, unless a fixture says otherwise
            .AddInMemoryCollection(Settings.Append(new(StorageConnection.Name, _azurite.ConnectionString)))
            .Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(Clock);
        services.AddContentPipeline(configuration);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await Services.GetRequiredService<StorageProvisioner>().EnsureCreatedAsync(CancellationToken.None);
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
