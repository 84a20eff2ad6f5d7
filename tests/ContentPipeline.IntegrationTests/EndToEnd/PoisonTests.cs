using System.Text.Json;
using Azure.Storage.Queues;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>
/// A blob whose invocation keeps failing is dequeued five times with no pause between (the blob-trigger queue's
/// visibility timeout on failure is zero), then its message goes to the poison queue of the trigger's account, exactly
/// as the Azure host writes it.
/// </summary>
public sealed class PoisonTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task FailingBlob_IsTriedFiveTimes_ThenItsMessageIsOnThePoisonQueue_AndTheFileStaysInIncoming()
    {
        var before = await host.FailedAsync("IngestArticle");
        await host.Tables.DeleteTableAsync(StorageNames.ArticlesTable); // every ingest now fails with a storage error
        var name = $"{Guid.NewGuid():N}.txt";
        var uploaded = await host.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(new ArticleText().ToBytes()));
        var queue = new QueueClient(host.Azurite.ConnectionString, "webjobs-blobtrigger-poison", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

        JsonElement? message = null;
        await Wait.UntilAsync(
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
        await host.Tables.CreateTableIfNotExistsAsync(StorageNames.ArticlesTable);

        Assert.Equal("BlobTrigger", message!.Value.GetProperty("Type").GetString());
        Assert.Equal("Host.Functions.IngestArticle", message.Value.GetProperty("FunctionId").GetString());
        Assert.Equal("BlockBlob", message.Value.GetProperty("BlobType").GetString());
        Assert.Equal("incoming", message.Value.GetProperty("ContainerName").GetString());
        Assert.Equal(uploaded.Value.ETag.ToString(), message.Value.GetProperty("ETag").GetString()); // quoted, as the host writes it
        Assert.Equal(before + 5, await host.FailedAsync("IngestArticle"));

        // The file itself is not lost: it stays in incoming.
        Assert.True((await host.Incoming.GetBlobClient(name).ExistsAsync()).Value);
    }
}
