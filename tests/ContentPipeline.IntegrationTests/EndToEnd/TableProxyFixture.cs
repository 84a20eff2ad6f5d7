using ContentPipeline.IntegrationTests.Infrastructure;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>The app's table storage behind a <see cref="StorageProxy"/>, whose policy a fixture or a test sets.</summary>
public abstract class TableProxyFixture : LocalHostFixture
{
    public StorageProxy TableProxy { get; private set; } = null!;

    protected override string ContentStorage => TablesThrough(TableProxy.Address);

    protected override async Task OnAzuriteStartedAsync() => TableProxy = await StorageProxy.StartAsync(Azurite.TablePort);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await TableProxy.DisposeAsync();
    }
}
