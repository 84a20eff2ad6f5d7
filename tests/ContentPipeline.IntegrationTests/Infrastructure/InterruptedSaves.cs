using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using ContentPipeline.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContentPipeline.IntegrationTests.Infrastructure;

/// <summary>
/// Saves cut short between their phases, as a crash leaves them: a store over the fixture's storage whose writes to
/// the index's lists fail, so a save commits the article (<c>IndexSynced = false</c>) and records itself as pending, and
/// then stops before its index entries land.
/// </summary>
public static class InterruptedSaves
{
    public static ArticleStore Store(PipelineFixture fixture)
    {
        var options = new TableClientOptions();
        options.AddPolicy(new FailListWrites(), HttpPipelinePosition.PerCall);
        var tables = new TableServiceClient(fixture.Azurite.ConnectionString, options);
        return new ArticleStore(tables, new ArticleIndex(tables, fixture.Clock, Microsoft.Extensions.Options.Options.Create(new IndexOptions { CatalogInterval = TimeSpan.Zero })), fixture.Blobs, fixture.Clock, Microsoft.Extensions.Options.Options.Create(new RepairOptions()), NullLogger<ArticleStore>.Instance);
    }

    /// <summary>
    /// Runs a save that must be cut short: it throws where the crash would have happened (an upload, whose entries are
    /// written behind its answer, on its <see cref="SaveResult.Indexed"/> task).
    /// </summary>
    public static async Task RunAsync(PipelineFixture fixture, Func<ArticleStore, Task<SaveResult>> save)
    {
        var error = await Assert.ThrowsAsync<RequestFailedException>(async () => await (await save(Store(fixture))).Indexed);
        Assert.Equal(FailListWrites.Status, error.Status);
    }

    private sealed class FailListWrites : HttpPipelinePolicy
    {
        public const int Status = 599;

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            return IndexRequests.IsListWrite(message) ? throw new RequestFailedException(Status, "The save is cut short here (a simulated crash).") : ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("The store is asynchronous.");
    }
}
