using System.Diagnostics;
using System.Globalization;
using System.Net;
using Azure.Storage.Queues;
using ContentPipeline.Articles;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;
using Xunit.Abstractions;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>
/// The app's table storage behind a proxy that can fail every request (503), and the healing timers on short
/// schedules: the re-driver every two seconds with a two-second backoff, the Azure SDK and group commit told not to
/// retry (so a failed request fails at once, as after their retries).
/// </summary>
public class OutageFixture : LocalHostFixture
{
    public FaultProxy Tables503 { get; private set; } = null!;

    protected override string ContentStorage => TablesThrough(Tables503.Address);

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        .. QuickRedrive,
        new("Values:Index__BusyRetries", "0"), // like the SDK's retries: a busy transaction fails at once
        new("Logging:LogLevel:ContentPipeline.Ingest.BlobRedriver", "Information"),
    ];

    protected override async Task OnAzuriteStartedAsync() =>
        Tables503 = await FaultProxy.StartAsync(Azurite.TablePort);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Tables503.DisposeAsync();
    }
}

/// <summary>"Nothing lost" on Azure's terms: an outage longer than the host's retry budget, during a large ingest.</summary>
public sealed class OutageTests(OutageFixture host, ITestOutputHelper output) : IClassFixture<OutageFixture>
{
    [Fact]
    public async Task AnOutageLongerThanTheRetryBudget_DuringALargeIngest_EndsWithEveryFileStoredOrRejected()
    {
        const int files = 120;
        var clock = Stopwatch.StartNew();
        var articles = Enumerable.Range(0, files).Select(i => (Name: $"outage/{i:D3}.txt", File: new ArticleText { IsPublished = i % 2 == 0 }, Broken: i % 12 == 5)).ToList();
        var poison = new QueueClient(host.Azurite.ConnectionString, StorageNames.PoisonQueue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

        // The first third arrives while storage is up, and part of it is stored; then the table service fails.
        foreach (var a in articles.Take(40))
        {
            await UploadAsync(a.Name, a.File, a.Broken);
        }

        await Wait.UntilAsync(async () => await host.SucceededAsync("IngestArticle") >= 10, "part of the first uploads are stored");
        host.Tables503.Down = true;
        output.WriteLine($"down at {clock.Elapsed}");
        var outage = Stopwatch.StartNew();
        foreach (var a in articles.Skip(40))
        {
            await UploadAsync(a.Name, a.File, a.Broken);
        }

        // Every upload's event has been delivered and run until the host gave up on it (five immediate tries each).
        var scans = (await host.StatusAsync()).GetProperty("blobScans").GetInt64();
        await Wait.UntilAsync(
            async () => (await host.StatusAsync()).GetProperty("blobScans").GetInt64() > scans + 2 && await host.BlobTriggerQueueLengthAsync() == 0,
            "every event of the uploads has been run to the end of its retries",
            TimeSpan.FromMinutes(2));
        var poisoned = (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        Assert.True(poisoned > 0, "the outage outlasted the retry budget of some blobs");

        host.Tables503.Down = false;
        outage.Stop();
        output.WriteLine($"up at {clock.Elapsed}");
        var waiting = articles.ToList();
        try
        {
            await Wait.UntilAsync(
                async () =>
                {
                    var done = await Task.WhenAll(waiting.Select(a => IsStoredOrRejectedAsync(a.Name, a.File, a.Broken)));
                    waiting = waiting.Where((_, i) => !done[i]).ToList();
                    return waiting.Count == 0;
                },
                "every file is stored or rejected",
                TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            output.WriteLine($"not stored nor rejected: {string.Join(", ", waiting.Select(a => a.Name))}");
            throw;
        }

        output.WriteLine($"all stored or rejected at {clock.Elapsed}");
        await Wait.UntilAsync(async () => (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, "the poison queue is drained");
        await Wait.UntilAsync(async () => await FailuresListedAsync() == 0, "no failure is left");
        // By name: one blob may be poisoned twice (its event, then the sweep), and is re-driven once. The failures list
        // forgets a blob as soon as its outcome is recorded, a moment before the re-driver logs it: wait for the log.
        await Wait.UntilAsync(
            () => Task.FromResult(!LoggedNames(" was poisoned;").Except(LoggedNames(" went through on a later try")).Any()),
            "every poisoned blob's re-drive is logged");
        var poisonedNames = LoggedNames(" was poisoned;");
        var redriven = LoggedNames(" went through on a later try");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"files {files} ({articles.Count(a => a.Broken)} malformed), outage {outage.Elapsed.TotalSeconds:F1} s, table requests refused {host.Tables503.Refused}, poison messages {poisoned}, blobs poisoned {poisonedNames.Count}, re-driven {redriven.Count}, lost 0"));
        Assert.NotEmpty(poisonedNames);
        Assert.Empty(poisonedNames.Except(redriven));
    }

    /// <summary>The blob names of the host's log lines that end a name with <paramref name="marker"/> (names here have no spaces).</summary>
    private HashSet<string> LoggedNames(string marker) =>
        host.Logs.Lines.Select(l => l.IndexOf(marker, StringComparison.Ordinal) is var at and > 0 ? l[..at].Split(' ')[^1] : null)
            .OfType<string>().ToHashSet(StringComparer.Ordinal);

    private async Task UploadAsync(string name, ArticleText file, bool broken) =>
        await host.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromString(broken ? "---\ntitle: [unclosed\n---\n" : file.Render()), overwrite: true);

    /// <summary>What a user would check: the article is there (editors see drafts too), or the file is in rejected with its reason.</summary>
    private async Task<bool> IsStoredOrRejectedAsync(string name, ArticleText file, bool broken)
    {
        if (broken)
        {
            return (await host.Rejected.GetBlobClient($"reasons/{name}.json").ExistsAsync()).Value;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/editor/articles/{ArticleId.FromUrl(new Uri(file.Url))}");
        request.Headers.Add("x-functions-key", LocalHostFixture.FunctionKey);
        return (await host.Http.SendAsync(request)).StatusCode == HttpStatusCode.OK;
    }

    private async Task<int> FailuresListedAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/editor/ingest-failures?limit=100");
        request.Headers.Add("x-functions-key", LocalHostFixture.FunctionKey);
        using var response = await host.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("items").GetArrayLength();
    }
}
