using System.Net;
using Azure.Storage.Blobs;
using ContentPipeline.Articles;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>
/// What <c>INSTANCES=3 ./scripts/run.sh</c> starts: three host processes behind a front door on one storage account.
/// Files uploaded straight into storage are ingested by all three workers (the Event Grid stand-in posts its events
/// through the front door, as Event Grid's posts reach whichever instance the load balancer picks), and the API answers
/// through the front door. Idle instances poll the queue as Azure's do (a pause growing to a minute), so a share of the
/// work reaches them through the door, not through polling.
/// </summary>
public sealed class FrontDoorScaleOutTests
{
    [Fact]
    public async Task ThreeInstancesBehindAFrontDoor_EachIngestsAShare_AndTheApiAnswersThroughTheDoor()
    {
        await using var azurite = await Azurite.StartAsync();
        var frontPort = Azurite.FreePort();
        var front = new Uri($"http://127.0.0.1:{frontPort}/");
        var hosts = Enumerable.Range(1, 3).Select(i => new HostProcess($"instance-{i}", azurite.ConnectionString, front, azurePolling: true)).ToArray();
        using var door = HostProcess.StartFrontDoor(frontPort, hosts);
        try
        {
            foreach (var host in hosts)
            {
                host.Start();
            }

            foreach (var host in hosts)
            {
                await host.WhenRunningAsync();
            }

            var incoming = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(StorageNames.IncomingContainer);
            await incoming.CreateIfNotExistsAsync();
            var files = Enumerable.Range(0, 90).Select(i => (Name: $"spread/{i:D3}.txt", File: new ArticleText { IsPublished = true })).ToList();
            await Parallel.ForEachAsync(files, async (f, ct) => await incoming.GetBlobClient(f.Name).UploadAsync(BinaryData.FromBytes(f.File.ToBytes()), ct));

            long[] shares = [];
            await Wait.UntilAsync(
                async () => (shares = await Task.WhenAll(hosts.Select(h => h.IngestsAsync()))).Sum() >= files.Count,
                "every file is ingested",
                TimeSpan.FromMinutes(3));

            Assert.All(shares, share => Assert.True(share > 0, $"an instance ingested nothing: {string.Join(" / ", shares)}"));
            using var client = new HttpClient { BaseAddress = front };
            foreach (var (_, file) in files.Take(10))
            {
                using var response = await client.GetAsync($"/api/articles/{ArticleId.FromUrl(new Uri(file.Url))}");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }
        finally
        {
            door.Kill();
            foreach (var host in hosts)
            {
                host.Dispose();
            }
        }
    }
}
