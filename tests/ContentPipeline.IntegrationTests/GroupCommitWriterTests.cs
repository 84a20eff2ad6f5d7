using System.Collections.Concurrent;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;

namespace ContentPipeline.IntegrationTests;

/// <summary>
/// The index's group commit, against Azurite: what callers ask for lands, in fewer requests, in order, and a failure
/// stays with its caller. A gate holds the first request of a test in flight, so that the writes asked for meanwhile
/// queue up and go out together, as they do under load.
/// </summary>
public sealed class GroupCommitWriterTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private readonly string _partition = $"p{Guid.NewGuid():N}";

    [Fact]
    public async Task ConcurrentWritesToOnePartition_AllLand_InFewerRequestsThanWrites()
    {
        var (writer, requests, gate) = Writer();
        gate.Open();

        await Task.WhenAll(Enumerable.Range(0, 300).Select(i =>
            Task.Run(() => writer.WriteAsync([Entry($"r{i:D3}", i)], [], CancellationToken.None))));

        var stored = await StoredAsync();
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"r{i:D3}"), stored.Select(e => e.RowKey));
        Assert.All(stored, e => Assert.Equal(int.Parse(e.RowKey[1..], System.Globalization.CultureInfo.InvariantCulture), e.GetInt32("N")));
        Assert.Contains(requests, r => r.IsTransaction && r.Status == 202);
        Assert.True(requests.Count < 300, $"{requests.Count} requests for 300 writes");
    }

    [Fact]
    public async Task WritesQueuedTogether_GoAsOneTransaction_AndLandInTheOrderAsked()
    {
        var (writer, requests, gate) = Writer();
        var first = writer.WriteAsync([Entry("first", 0)], [], CancellationToken.None);
        await gate.Held;

        // A later upsert of an entity still queued takes the queued one's place; a delete after an upsert of the same
        // entity cannot share its transaction, so it waits for the next one, and order holds.
        var queued = new[]
        {
            writer.WriteAsync([Entry("a", 1)], [], CancellationToken.None),
            writer.WriteAsync([Entry("b", 1)], [], CancellationToken.None),
            writer.WriteAsync([Entry("a", 2)], [new IndexKey(_partition, "b")], CancellationToken.None),
            writer.WriteAsync([Entry("c", 1)], [], CancellationToken.None),
        };
        gate.Open();
        await Task.WhenAll(queued.Append(first));

        Assert.Equal([("a", 2), ("c", 1), ("first", 0)], (await StoredAsync()).Select(e => (e.RowKey, e.GetInt32("N")!.Value)));
        Assert.Equal([false, true, true], requests.Select(r => r.IsTransaction)); // first; then a2 and b1; then the delete of b and c1
        Assert.All(requests, r => Assert.True(r.Status is 202 or 204, $"status {r.Status}"));
    }

    [Fact]
    public async Task ManyCallersWritingOneEntity_ShareOneOperation_AndTheLastAskedForLands()
    {
        var (writer, requests, gate) = Writer();
        var first = writer.WriteAsync([Entry("hot", 0)], [], CancellationToken.None);
        await gate.Held;

        var queued = Enumerable.Range(1, 50).Select(i => writer.WriteAsync([Entry("hot", i), Entry($"own{i:D2}", i)], [], CancellationToken.None)).ToList();
        gate.Open();
        await Task.WhenAll(queued.Append(first));

        var stored = await StoredAsync();
        Assert.Equal(50, stored.Single(e => e.RowKey == "hot").GetInt32("N"));
        Assert.Equal(51, stored.Count);
        Assert.Equal(2, requests.Count); // the first alone, then one transaction: the hot entity once, and 50 others
    }

    [Fact]
    public async Task ADeleteOfAMissingEntry_DoesNotFailTheWritesSharingItsTransaction()
    {
        var (writer, requests, gate) = Writer();
        var first = writer.WriteAsync([Entry("first", 0)], [], CancellationToken.None);
        await gate.Held;

        var queued = new[]
        {
            writer.WriteAsync([Entry("kept1", 1)], [], CancellationToken.None),
            writer.WriteAsync([Entry("kept2", 2)], [new IndexKey(_partition, "never-written")], CancellationToken.None),
            writer.WriteAsync([Entry("kept3", 3)], [], CancellationToken.None),
        };
        gate.Open();
        await Task.WhenAll(queued.Append(first));

        Assert.Equal(["first", "kept1", "kept2", "kept3"], (await StoredAsync()).Select(e => e.RowKey));

        // The service did refuse the shared transaction (its answer carries the 404 inside), and the writes went again.
        Assert.Equal([false, true], requests.Take(2).Select(r => r.IsTransaction));
        Assert.True(requests.Count > 2, $"{requests.Count} requests: the transaction was not refused");
    }

    [Fact]
    public async Task AWriteTheServiceRefuses_FailsOnlyItsOwnCaller()
    {
        var (writer, _, gate) = Writer(new Refuse("refused", 400));
        var first = writer.WriteAsync([Entry("first", 0)], [], CancellationToken.None);
        await gate.Held;

        var good = Enumerable.Range(0, 5).Select(i => writer.WriteAsync([Entry($"ok{i}", i)], [], CancellationToken.None)).Append(first).ToList();
        var bad = writer.WriteAsync([Entry("refused", 0)], [], CancellationToken.None);
        gate.Open();

        Assert.Equal(400, (await Assert.ThrowsAsync<RequestFailedException>(() => bad)).Status);
        await Task.WhenAll(good);
        Assert.Equal(["first", "ok0", "ok1", "ok2", "ok3", "ok4"], (await StoredAsync()).Select(e => e.RowKey));
    }

    [Fact]
    public async Task ABusyPartition_IsTriedAgainAfterPauses_AndItsWritesLand()
    {
        var (writer, requests, gate) = Writer(new Refuse("busy", 503, times: 3));
        gate.Open();

        await writer.WriteAsync([Entry("busy", 1)], [], CancellationToken.None);

        Assert.Equal(["busy"], (await StoredAsync()).Select(e => e.RowKey));
        Assert.Equal([503, 503, 503, 204], requests.Select(r => r.Status));
    }

    [Fact]
    public async Task AServiceStillBusyAfterEveryPause_FailsEveryCallerInTheTransaction_AndThePartitionKeepsWorking()
    {
        var (writer, requests, gate) = Writer(new Refuse("unlucky", 503));
        var first = writer.WriteAsync([Entry("first", 0)], [], CancellationToken.None);
        await gate.Held;

        var sharing = new[]
        {
            writer.WriteAsync([Entry("unlucky", 1)], [], CancellationToken.None),
            writer.WriteAsync([Entry("bystander", 2)], [], CancellationToken.None),
        };
        gate.Open();
        await first;

        // Tried again as one transaction after each pause, never one write at a time; then the callers' triggers retry.
        foreach (var write in sharing)
        {
            Assert.Equal(503, (await Assert.ThrowsAsync<RequestFailedException>(() => write)).Status);
        }

        Assert.Equal(1 + 1 + GroupCommitWriter.BusyBackoff.Length, requests.Count);
        Assert.All(requests.Skip(1), r => Assert.True(r.IsTransaction));
        await writer.WriteAsync([Entry("after", 9)], [], CancellationToken.None);
        Assert.Equal(["after", "first"], (await StoredAsync()).Select(e => e.RowKey));
    }

    private (GroupCommitWriter Writer, ConcurrentQueue<Sent> Requests, Gate Gate) Writer(HttpPipelinePolicy? refuse = null)
    {
        var requests = new ConcurrentQueue<Sent>();
        var gate = new Gate();
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 0;
        options.AddPolicy(gate, HttpPipelinePosition.PerCall);
        options.AddPolicy(new Record(requests), HttpPipelinePosition.PerCall);
        if (refuse is not null)
        {
            options.AddPolicy(refuse, HttpPipelinePosition.PerCall);
        }

        var table = new TableServiceClient(fixture.Azurite.ConnectionString, options).GetTableClient(StorageNames.IndexTable);
        return (new GroupCommitWriter(table), requests, gate);
    }

    private TableEntity Entry(string row, int n) => new(_partition, row) { ["N"] = n };

    private async Task<List<TableEntity>> StoredAsync() =>
        (await fixture.IndexTable.QueryAsync<TableEntity>(e => e.PartitionKey == _partition).ToListAsync()).OrderBy(e => e.RowKey, StringComparer.Ordinal).ToList();

    /// <summary>A request as sent: a transaction or a single write, and the status it got (0: failed before an answer).</summary>
    private sealed record Sent(bool IsTransaction, int Status);

    private sealed class Record(ConcurrentQueue<Sent> requests) : HttpPipelinePolicy
    {
        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var transaction = message.Request.Uri.Path.EndsWith("/$batch", StringComparison.Ordinal);
            try
            {
                await ProcessNextAsync(message, pipeline);
                requests.Enqueue(new Sent(transaction, message.Response.Status));
            }
            catch (RequestFailedException ex)
            {
                requests.Enqueue(new Sent(transaction, ex.Status));
                throw;
            }
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => throw new NotSupportedException();
    }

    /// <summary>Holds the first request until <see cref="Open"/>; later ones pass.</summary>
    private sealed class Gate : HttpPipelinePolicy
    {
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _seen;

        public Task Held => _held.Task;

        public void Open() => _open.TrySetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (Interlocked.Increment(ref _seen) == 1)
            {
                _held.TrySetResult();
                await _open.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }

            await ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => throw new NotSupportedException();
    }

    /// <summary>Answers the first <paramref name="times"/> requests that write <paramref name="row"/> (alone or in a transaction) with an error status, as the service would.</summary>
    private sealed class Refuse(string row, int status, int times = int.MaxValue) : HttpPipelinePolicy
    {
        private int _refused;

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (Writes(message) && Interlocked.Increment(ref _refused) <= times)
            {
                throw new RequestFailedException(status, $"Refused by the test ({status}).");
            }

            await ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => throw new NotSupportedException();

        private bool Writes(HttpMessage message)
        {
            if (Uri.UnescapeDataString(message.Request.Uri.Path).Contains($"RowKey='{row}'", StringComparison.Ordinal))
            {
                return true;
            }

            if (message.Request.Content is not { } content)
            {
                return false;
            }

            using var body = new MemoryStream();
            content.WriteTo(body, CancellationToken.None);
            return Encoding.UTF8.GetString(body.ToArray()).Contains($"\"RowKey\":\"{row}\"", StringComparison.Ordinal);
        }
    }
}
