using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContentPipeline.Articles;
using ContentPipeline.Diagnostics;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.LocalHost.Diagnostics;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>
/// The breakdown a benchmark (or an operator) reads: the host's own stages at <c>/admin/host/stages</c> (master key),
/// and the app's spans, which the worker writes to <c>StageTimingsFile</c> when that setting is set (in Azure they go to
/// Application Insights as dependencies).
/// </summary>
public sealed class StageBreakdownTests(StageBreakdownTests.Fixture host) : IClassFixture<StageBreakdownTests.Fixture>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task AnIngestAndALookup_AreTimedStageByStage_OnBothSides()
    {
        var file = new ArticleText { IsPublished = true };
        await host.Incoming.GetBlobClient($"{Guid.NewGuid():N}.txt").UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        await Wait.UntilAsync(async () => await host.SucceededAsync("IngestArticle") >= 1, "the file is ingested");
        using (var lookup = await host.Http.GetAsync($"/api/articles/{ArticleId.FromUrl(new Uri(file.Url))}"))
        {
            Assert.Equal(HttpStatusCode.OK, lookup.StatusCode);
        }

        // The message's stages end a little after the invocation is counted: wait until the host has them all.
        string[] hostExpected =
        [
            HostTelemetry.Stages.QueueReceive, HostTelemetry.Stages.BlobMessage, HostTelemetry.Stages.BlobProperties, HostTelemetry.Stages.Invoke,
            HostTelemetry.Stages.QueueDelete, HostTelemetry.Stages.Http, HostTelemetry.Stages.HttpRouteAndKey, HostTelemetry.Stages.HttpForward,
        ];
        IReadOnlyList<StageSummary> hostStages = [];
        await Wait.UntilAsync(
            async () => (hostStages = await HostStagesAsync()).Select(s => s.Stage).Intersect(hostExpected).Count() == hostExpected.Length,
            "the host timed every stage of an ingest and a lookup");

        // The invocation holds the worker's ingest, and the message holds the invocation.
        var invoke = hostStages.Single(s => s.Stage == HostTelemetry.Stages.Invoke);
        Assert.True(hostStages.Single(s => s.Stage == HostTelemetry.Stages.BlobMessage).TotalMs >= invoke.TotalMs);

        IReadOnlyList<StageSummary> worker = [];
        string[] expected =
        [
            PipelineTelemetry.Stages.Ingest, PipelineTelemetry.Stages.Download, PipelineTelemetry.Stages.Parse, PipelineTelemetry.Stages.Render,
            PipelineTelemetry.Stages.Save, PipelineTelemetry.Stages.SavePending, PipelineTelemetry.Stages.SaveCommit, PipelineTelemetry.Stages.SaveIndex,
            PipelineTelemetry.Stages.SaveMark, PipelineTelemetry.Stages.Outcome, PipelineTelemetry.Stages.Lookup,
        ];
        await Wait.UntilAsync(
            async () => (worker = await WorkerStagesAsync()).Select(s => s.Stage).Intersect(expected).Count() == expected.Length,
            "the worker's summary file names every stage of an ingest and a lookup");
        var ingest = worker.Single(s => s.Stage == PipelineTelemetry.Stages.Ingest);
        Assert.True(invoke.TotalMs >= ingest.TotalMs, "the host's invocation holds the worker's ingest");
        Assert.True(ingest.TotalMs >= worker.Single(s => s.Stage == PipelineTelemetry.Stages.Save).TotalMs);
    }

    [Fact]
    public async Task HostStages_NeedTheMasterKey_AndStartAgainWhenReset()
    {
        using (var anonymous = await host.Http.GetAsync("/admin/host/stages"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using (var reset = new HttpRequestMessage(HttpMethod.Delete, "/admin/host/stages"))
        {
            reset.Headers.Add("x-functions-key", LocalHostFixture.MasterKey);
            using var answer = await host.Http.SendAsync(reset);
            Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        }

        Assert.DoesNotContain(await HostStagesAsync(), s => s.Stage == HostTelemetry.Stages.Http);
    }

    private async Task<IReadOnlyList<StageSummary>> HostStagesAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/host/stages");
        request.Headers.Add("x-functions-key", LocalHostFixture.MasterKey);
        using var response = await host.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<List<StageSummary>>(Json))!;
    }

    private async Task<IReadOnlyList<StageSummary>> WorkerStagesAsync()
    {
        try
        {
            return JsonSerializer.Deserialize<List<StageSummary>>(await File.ReadAllTextAsync(host.StagesFile), Json)!;
        }
        catch (FileNotFoundException)
        {
            return [];
        }
    }

    /// <summary>The local host and its worker, the worker writing its stage summary to a file of this fixture's.</summary>
    public sealed class Fixture : LocalHostFixture
    {
        public string StagesFile { get; } = Path.Combine(Path.GetTempPath(), $"stages-{Guid.NewGuid():N}.json");

        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Values:StageTimingsFile", StagesFile)];

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            File.Delete(StagesFile);
        }
    }
}
