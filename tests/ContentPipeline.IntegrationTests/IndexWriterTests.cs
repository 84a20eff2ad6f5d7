using System.Collections.Concurrent;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;

namespace ContentPipeline.IntegrationTests;

/// <summary>The index's group commit, against Azurite: what callers ask for lands, in fewer requests, and failures stay with their caller.</summary>
public sealed class IndexWriterTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task ConcurrentWritesToOnePartition_AllLand_InFewerRequestsThanWrites()
    {
        var (writer, table, requests) = Writer();
        var partition = $"p{Guid.NewGuid():N}";

        await Task.WhenAll(Enumerable.Range(0, 300).Select(i =>
            Task.Run(() => writer.WriteAsync([Entry(partition, $"r{i:D3}", i)], [], CancellationToken.None))));

        var stored = await table.QueryAsync<TableEntity>(e => e.PartitionKey == partition).ToListAsync();
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"r{i:D3}"), stored.Select(e => e.RowKey).Order());
        Assert.All(stored, e => Assert.Equal(int.Parse(e.RowKey[1..], System.Globalization.CultureInfo.InvariantCulture), e.GetInt32("N")));
        Assert.True(requests.Count(r => r.EndsWith("/$batch", StringComparison.Ordinal)) > 0, "no transaction was sent");
        Assert.True(requests.Count < 300, $"{requests.Count} requests for 300 writes");
    }

    [Fact]
    public async Task WritesToOneEntity_LandInTheOrderAsked()
    {
        var (writer, table, _) = Writer();
        var partition = $"p{Guid.NewGuid():N}";

        // Started one after another without waiting: each is queued behind the previous one.
        var writes = new List<Task>
        {
            writer.WriteAsync([Entry(partition, "a", 1)], [], CancellationToken.None),
            writer.WriteAsync([Entry(partition, "a", 2)], [], CancellationToken.None),
            writer.WriteAsync([Entry(partition, "b", 1)], [], CancellationToken.None),
            writer.WriteAsync([], [new IndexKey(partition, "b")], CancellationToken.None),
            writer.WriteAsync([Entry(partition, "a", 3)], [], CancellationToken.None),
        };
        await Task.WhenAll(writes);

        var stored = await table.QueryAsync<TableEntity>(e => e.PartitionKey == partition).ToListAsync();
        var only = Assert.Single(stored);
        Assert.Equal(("a", 3), (only.RowKey, only.GetInt32("N")!.Value));
    }

    [Fact]
    public async Task ADeleteOfAMissingEntry_DoesNotFailTheWritesSharingItsTransaction()
    {
        var (writer, table, _) = Writer();
        var partition = $"p{Guid.NewGuid():N}";

        await Task.WhenAll(
            writer.WriteAsync([Entry(partition, "kept1", 1)], [], CancellationToken.None),
            writer.WriteAsync([Entry(partition, "kept2", 2)], [new IndexKey(partition, "never-written")], CancellationToken.None),
            writer.WriteAsync([Entry(partition, "kept3", 3)], [], CancellationToken.None));

        var stored = await table.QueryAsync<TableEntity>(e => e.PartitionKey == partition).ToListAsync();
        Assert.Equal(["kept1", "kept2", "kept3"], stored.Select(e => e.RowKey).Order());
    }

    [Fact]
    public async Task AWriteTheServiceRefuses_FailsOnlyItsOwnCaller()
    {
        var (writer, table, _) = Writer(new RefuseRow("refused"));
        var partition = $"p{Guid.NewGuid():N}";

        var good = Enumerable.Range(0, 5).Select(i => writer.WriteAsync([Entry(partition, $"ok{i}", i)], [], CancellationToken.None)).ToList();
        var bad = writer.WriteAsync([Entry(partition, "refused", 0)], [], CancellationToken.None);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => bad);
        Assert.Equal(503, error.Status);
        await Task.WhenAll(good);
        var stored = await table.QueryAsync<TableEntity>(e => e.PartitionKey == partition).ToListAsync();
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"ok{i}"), stored.Select(e => e.RowKey).Order());

        // The partition keeps working after the failure.
        await writer.WriteAsync([Entry(partition, "after", 9)], [], CancellationToken.None);
        Assert.NotNull((await table.GetEntityIfExistsAsync<TableEntity>(partition, "after")).Value);
    }

    private (IndexWriter Writer, TableClient Table, ConcurrentQueue<string> Requests) Writer(HttpPipelinePolicy? extra = null)
    {
        var requests = new ConcurrentQueue<string>();
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 0;
        options.AddPolicy(new RecordWrites(requests), HttpPipelinePosition.PerCall);
        if (extra is not null)
        {
            options.AddPolicy(extra, HttpPipelinePosition.PerCall);
        }

        var table = new TableServiceClient(fixture.Azurite.ConnectionString, options).GetTableClient(StorageNames.IndexTable);
        return (new IndexWriter(table), fixture.IndexTable, requests);
    }

    private static TableEntity Entry(string partition, string row, int n) => new(partition, row) { ["N"] = n };

    private sealed class RecordWrites(ConcurrentQueue<string> requests) : HttpPipelinePolicy
    {
        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            requests.Enqueue(message.Request.Uri.Path);
            await ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => throw new NotSupportedException();
    }

    /// <summary>Answers 503 to every transaction and to single writes of one row, as a failing service would.</summary>
    private sealed class RefuseRow(string row) : HttpPipelinePolicy
    {
        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var path = Uri.UnescapeDataString(message.Request.Uri.Path);
            if (path.EndsWith("/$batch", StringComparison.Ordinal) || path.Contains($"RowKey='{row}'", StringComparison.Ordinal))
            {
                throw new RequestFailedException(503, "Refused by the test.");
            }

            await ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => throw new NotSupportedException();
    }
}
