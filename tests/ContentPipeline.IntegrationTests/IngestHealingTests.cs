using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using ContentPipeline.Functions.Ingest;
using ContentPipeline.Ingest;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPipeline.IntegrationTests;

/// <summary>
/// What heals a lost delivery, run as its timers run it, on a fake clock: the outcome recorded for every blob version,
/// the sweep that ingests blobs no event brought, and the re-driver that takes the host's poison messages and tries
/// those blobs again with backoff, then gives up visibly.
/// </summary>
public sealed class IngestHealingTests(IngestHealingTests.Fixture fixture) : IClassFixture<IngestHealingTests.Fixture>
{
    private IngestStateStore State => fixture.Services.GetRequiredService<IngestStateStore>();

    [Fact]
    public async Task EveryIngest_RecordsTheOutcomeOfTheBlobVersionItRead()
    {
        var file = new ArticleText();
        var name = $"{Guid.NewGuid():N}/a file.txt";
        var first = await UploadAsync(name, file.ToBytes());
        await IngestAsync(name);
        var recorded = await State.GetOutcomeAsync("incoming", name, default);
        var second = await UploadAsync(name, (file with { Title = "Changed" }).ToBytes());
        await IngestAsync(name);
        var broken = $"{Guid.NewGuid():N}.txt";
        var brokenVersion = await UploadAsync(broken, Encoding.UTF8.GetBytes("no front matter"));
        await IngestAsync(broken);

        Assert.Equal((first, BlobOutcome.Stored), (recorded!.ETag, recorded.Outcome));
        Assert.Equal(ContentPipeline.Articles.ArticleId.FromUrl(new Uri(file.Url)), recorded.ArticleId);
        var after = await State.GetOutcomeAsync("incoming", name, default);
        Assert.Equal((second, BlobOutcome.Stored), (after!.ETag, after.Outcome));
        Assert.Equal((brokenVersion, BlobOutcome.Rejected), ((await State.GetOutcomeAsync("incoming", broken, default))!.ETag, (await State.GetOutcomeAsync("incoming", broken, default))!.Outcome));
    }

    [Fact]
    public async Task AFailure_KeepsTheArticleId_AndNeverOverwritesTheOutcomeOfANewerOrAnIngestedVersion()
    {
        var file = new ArticleText();
        var id = ContentPipeline.Articles.ArticleId.FromUrl(new Uri(file.Url));
        var name = $"{Guid.NewGuid():N}.txt";
        var first = await UploadAsync(name, file.ToBytes());
        await IngestAsync(name);

        // A late failure of the version that was stored (a poison message after all): the success stays.
        await State.RecordFailureAsync("incoming", name, $"\"{first}\"", "late", default);
        Assert.Equal((first, BlobOutcome.Stored, id), Outcome(await State.GetOutcomeAsync("incoming", name, default)));

        // The current version fails: recorded as failed, and the file is still known as the article's source.
        var second = await UploadAsync(name, (file with { Title = "Second" }).ToBytes());
        await State.RecordFailureAsync("incoming", name, second, "outage", default);
        Assert.Equal((second, BlobOutcome.Failed, id), Outcome(await State.GetOutcomeAsync("incoming", name, default)));

        // A third version is stored; a failure of the older second one arrives after it and changes nothing.
        var third = await UploadAsync(name, (file with { Title = "Third" }).ToBytes());
        await IngestAsync(name);
        await State.RecordFailureAsync("incoming", name, second, "late outage", default);
        Assert.Equal((third, BlobOutcome.Stored, id), Outcome(await State.GetOutcomeAsync("incoming", name, default)));

        // A rejected version keeps the article id too (its deletion is the pipeline's own move, see DeletedFileHandler).
        await UploadAsync(name, Encoding.UTF8.GetBytes("no front matter"));
        await IngestAsync(name);
        Assert.Equal((BlobOutcome.Rejected, id), ((await State.GetOutcomeAsync("incoming", name, default))!.Outcome, (await State.GetOutcomeAsync("incoming", name, default))!.ArticleId));
    }

    private static (string, BlobOutcome, string?) Outcome(BlobOutcomeRecord? record) => (record!.ETag, record.Outcome, record.ArticleId);

    [Fact]
    public async Task Sweep_IngestsTheBlobsNoEventBrought_AndNothingTwice()
    {
        var silent = Enumerable.Range(0, 3).Select(_ => new ArticleText { IsPublished = true }).ToList();
        foreach (var file in silent)
        {
            await UploadAsync($"{Guid.NewGuid():N}.txt", file.ToBytes());
        }

        var delivered = $"{Guid.NewGuid():N}.txt";
        await UploadAsync(delivered, new ArticleText().ToBytes());
        await IngestAsync(delivered);
        var sweeper = fixture.Services.GetRequiredService<IncomingSweeper>();

        var firstPass = await SweepUntilCompleteAsync(sweeper);
        var secondPass = await SweepUntilCompleteAsync(sweeper);

        Assert.True(firstPass.Ingested >= 3); // the three silent ones, and any other test's blob without an outcome
        Assert.Equal(0, secondPass.Ingested);
        var store = fixture.Services.GetRequiredService<ArticleStore>();
        foreach (var file in silent)
        {
            Assert.NotNull(await store.GetAsync(ContentPipeline.Articles.ArticleId.FromUrl(new Uri(file.Url)), includeBody: false, default));
        }
    }

    [Fact]
    public async Task Sweep_TakesALargeContainerOverSeveralRuns_FromWhereTheLastStopped()
    {
        var names = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            names.Add($"resume-{Guid.NewGuid():N}.txt");
            await UploadAsync(names[^1], new ArticleText().ToBytes());
        }

        var sweeper = fixture.Services.GetRequiredService<IncomingSweeper>();
        var runs = new List<SweepResult>();
        do
        {
            runs.Add(await sweeper.SweepAsync(default));
        }
        while (!runs[^1].PassComplete && runs.Count < 1000);

        Assert.True(runs.Count > 1);
        Assert.All(runs, r => Assert.True(r.Listed <= Fixture.MaxBlobsPerRun));
        foreach (var name in names)
        {
            Assert.Equal(BlobOutcome.Stored, (await State.GetOutcomeAsync("incoming", name, default))?.Outcome);
        }
    }

    [Fact]
    public async Task Redrive_APoisonedBlob_IsTriedAgainAfterTheFirstDelay_AndStored()
    {
        var file = new ArticleText();
        var name = $"{Guid.NewGuid():N}.txt";
        var etag = await UploadAsync(name, file.ToBytes());
        await PoisonAsync(name, etag);
        var redriver = fixture.Services.GetRequiredService<BlobRedriver>();

        var drained = await redriver.RunAsync(default);
        var failing = await FailureAsync(name);
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        var redriven = await redriver.RunAsync(default);

        Assert.Equal(1, drained.Poisoned);
        Assert.Equal(0, drained.Ingested); // not due before its first delay
        Assert.Equal(1, failing!.Attempts);
        Assert.Equal(fixture.Clock.GetUtcNow(), failing.NextAttemptAt);
        Assert.Equal(1, redriven.Ingested);
        Assert.Equal(BlobOutcome.Stored, (await State.GetOutcomeAsync("incoming", name, default))!.Outcome);
        Assert.Null(await FailureAsync(name));
    }

    [Fact]
    public async Task Redrive_ABlobThatKeepsFailing_BacksOff_ThenIsGivenUp_AndEditorsSeeWhy()
    {
        var name = $"{Guid.NewGuid():N}.txt";
        var etag = await UploadAsync(name, new ArticleText().ToBytes());
        await PoisonAsync(name, etag);
        var redriver = fixture.Services.GetRequiredService<BlobRedriver>();
        await fixture.ArticlesTable.DeleteAsync(); // every ingest fails from here on
        var delays = new List<TimeSpan?>();
        try
        {
            await redriver.RunAsync(default);
            for (var attempt = 1; attempt < Fixture.MaxAttempts; attempt++)
            {
                var failure = (await FailureAsync(name))!;
                delays.Add(failure.NextAttemptAt - failure.LastFailedAt);
                fixture.Clock.SetUtcNow(failure.NextAttemptAt!.Value);
                await redriver.RunAsync(default);
            }
        }
        finally
        {
            await fixture.ArticlesTable.CreateIfNotExistsAsync();
        }

        var gaveUp = (await FailureAsync(name))!;
        Assert.Equal([TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1)], delays);
        Assert.True(gaveUp.GaveUp);
        Assert.Equal(Fixture.MaxAttempts, gaveUp.Attempts);
        Assert.Contains("404", gaveUp.LastError, StringComparison.Ordinal); // the table service's answer, as it was
        Assert.Equal(BlobOutcome.GaveUp, (await State.GetOutcomeAsync("incoming", name, default))!.Outcome);
        Assert.True((await fixture.Incoming.GetBlobClient(name).ExistsAsync()).Value); // never lost

        var call = HttpCall.Create(fixture.Services, "GET", "/api/editor/ingest-failures", "limit=100");
        var reply = await call.ExecuteAsync(await new ListIngestFailures(State).RunAsync(call.Request, default));
        var listed = reply.Json.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("blobName").GetString() == name);
        Assert.Equal("gave-up", listed.GetProperty("state").GetString());
        Assert.Equal(Fixture.MaxAttempts, listed.GetProperty("attempts").GetInt32());
        Assert.False(listed.TryGetProperty("nextAttemptAt", out _));

        var detail = HttpCall.Create(fixture.Services, "GET", "/api/editor/ingest-failures/detail", $"name={Uri.EscapeDataString(name)}");
        var one = await detail.ExecuteAsync(await new ListIngestFailures(State).GetIngestFailure(detail.Request, default));
        Assert.Equal(listed.ToString(), one.Json.ToString());
    }

    private async Task<BlobFailure?> FailureAsync(string name)
    {
        string? cursor = null;
        do
        {
            var (items, next) = await State.ListFailuresAsync(cursor, 100, default);
            if (items.FirstOrDefault(f => f.BlobName == name) is { } found)
            {
                return found;
            }

            cursor = next;
        }
        while (cursor is not null);
        return null;
    }

    /// <summary>The message the Functions host writes to its poison queue after five failed tries.</summary>
    private async Task PoisonAsync(string name, string etag)
    {
        var queue = new QueueClient(fixture.Azurite.ConnectionString, StorageNames.PoisonQueue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync(JsonSerializer.Serialize(new { Type = "BlobTrigger", FunctionId = "Host.Functions.IngestArticle", BlobType = "BlockBlob", ContainerName = "incoming", BlobName = name, ETag = $"\"{etag}\"" }));
    }

    private static async Task<SweepResult> SweepUntilCompleteAsync(IncomingSweeper sweeper)
    {
        var (ingested, listed) = (0, 0);
        SweepResult run;
        do
        {
            run = await sweeper.SweepAsync(default);
            (ingested, listed) = (ingested + run.Ingested, listed + run.Listed);
        }
        while (!run.PassComplete);
        return new SweepResult(listed, ingested, 0, true);
    }

    /// <summary>Uploads, and returns the new version's ETag as outcomes keep it (unquoted).</summary>
    private async Task<string> UploadAsync(string name, byte[] content) =>
        (await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(content), overwrite: true)).Value.ETag.ToString().Trim('"');

    private Task<IngestResult> IngestAsync(string name) => fixture.Services.GetRequiredService<IngestService>().IngestInStepAsync(name);

    /// <summary>Sweeps see blobs at once (no minimum age), two per page; re-drives give up after five attempts.</summary>
    public sealed class Fixture : PipelineFixture
    {
        public const int MaxBlobsPerRun = 4;
        public const int MaxAttempts = 5;

        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [
            new("Sweep:MinAge", "00:00:00"),
            new("Sweep:PageSize", "2"),
            new("Sweep:MaxBlobsPerRun", MaxBlobsPerRun.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("Redrive:MaxAttempts", MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ];
    }
}
