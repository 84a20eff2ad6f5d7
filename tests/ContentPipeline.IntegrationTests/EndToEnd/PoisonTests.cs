using System.Text.Json;
using Azure.Storage.Queues;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>A blob whose invocation keeps failing is tried five times, then recorded as poison where a person can find it.</summary>
public sealed class PoisonTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task FailingBlob_IsTriedFiveTimes_ThenRecordedOnThePoisonQueue_AndNotRetriedAfter()
    {
        await host.Tables.DeleteTableAsync(StorageNames.ArticlesTable); // every ingest now fails with a storage error
        var name = $"{Guid.NewGuid():N}.txt";
        await host.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(new ArticleText().ToBytes()));
        var queue = new QueueServiceClient(host.Azurite.ConnectionString).GetQueueClient("webjobs-blobtrigger-poison");

        JsonElement? message = null;
        await LocalHostFixture.EventuallyAsync(
            async () =>
            {
                if (!(await queue.ExistsAsync()).Value)
                {
                    return false;
                }

                var peeked = await queue.PeekMessagesAsync(32);
                // Nullable elements: FirstOrDefault of plain JsonElements would give a default element, not null.
                message = peeked.Value.Select(m => (JsonElement?)JsonDocument.Parse(m.Body.ToString()).RootElement.Clone())
                    .FirstOrDefault(m => m!.Value.GetProperty("BlobName").GetString() == name);
                return message is not null;
            },
            "the blob is poisoned");

        Assert.Equal("incoming", message!.Value.GetProperty("ContainerName").GetString());
        Assert.Equal("ContentPipeline.Functions.IngestArticle.RunAsync", message.Value.GetProperty("FunctionId").GetString());
        Assert.Equal("BlockBlob", message.Value.GetProperty("BlobType").GetString());
        Assert.False(string.IsNullOrEmpty(message.Value.GetProperty("ETag").GetString()));
        var status = await host.StatusAsync();
        var ingest = status.GetProperty("functions").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "IngestArticle").GetProperty("invocations");
        Assert.Equal(5, ingest.GetProperty("failed").GetInt64());

        // The file itself is not lost: it stays in incoming, and the poisoned version is not retried.
        Assert.True((await host.Incoming.GetBlobClient(name).ExistsAsync()).Value);
        await host.Tables.CreateTableIfNotExistsAsync(StorageNames.ArticlesTable);
        await Task.Delay(1000);
        Assert.Equal(5, await host.InvocationsAsync("IngestArticle"));
    }
}
