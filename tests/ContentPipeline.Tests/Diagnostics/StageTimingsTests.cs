using System.Diagnostics;
using ContentPipeline.Diagnostics;

namespace ContentPipeline.Tests.Diagnostics;

public sealed class StageTimingsTests
{
    [Fact]
    public void Snapshot_SummarisesEachStageOfTheSourcesItListensTo_AndNothingElse()
    {
        using var source = new ActivitySource($"test-{Guid.NewGuid():N}");
        using var other = new ActivitySource($"other-{Guid.NewGuid():N}");
        using var timings = new StageTimings(source.Name);

        for (var i = 1; i <= 100; i++)
        {
            using var activity = source.StartActivity("stage.a")!;
            activity.SetEndTime(activity.StartTimeUtc.AddMilliseconds(i)); // 1 ms to 100 ms
        }

        source.StartActivity("stage.b")!.Dispose();
        Assert.Null(other.StartActivity("stage.c")); // nobody listens to that source

        var stages = timings.Snapshot();
        Assert.Equal(["stage.a", "stage.b"], stages.Select(s => s.Stage));
        var a = stages[0];
        Assert.Equal(100, a.Count);
        Assert.Equal(5050, a.TotalMs, 3);
        Assert.Equal(50.5, a.MeanMs, 3);
        Assert.Equal(51, a.P50Ms, 3);
        Assert.Equal(100, a.P99Ms, 3);
    }

    [Fact]
    public void ListeningToOneSourceObject_HearsNoOtherOfTheSameName()
    {
        var name = $"test-{Guid.NewGuid():N}";
        using var mine = new ActivitySource(name);
        using var another = new ActivitySource(name); // another host in the same process
        using var timings = new StageTimings(mine);

        mine.StartActivity("mine")!.Dispose();
        Assert.Null(another.StartActivity("theirs"));

        Assert.Equal(["mine"], timings.Snapshot().Select(s => s.Stage));
    }

    [Fact]
    public void Reset_StartsAgainFromNothing()
    {
        using var source = new ActivitySource($"test-{Guid.NewGuid():N}");
        using var timings = new StageTimings(source.Name);
        source.StartActivity("stage")!.Dispose();

        timings.Reset();

        Assert.Empty(timings.Snapshot());
        source.StartActivity("stage")!.Dispose();
        Assert.Equal(1, Assert.Single(timings.Snapshot()).Count);
    }

    [Fact]
    public void PipelineStages_AreRecordedOnlyWhileSomebodyListens()
    {
        Assert.Null(PipelineTelemetry.Stage("unheard")); // no listener in this test: a null, no cost

        using var timings = new StageTimings(PipelineTelemetry.SourceName);
        PipelineTelemetry.Stage(PipelineTelemetry.Stages.Parse)!.Dispose();

        Assert.Contains(timings.Snapshot(), s => s.Stage == PipelineTelemetry.Stages.Parse);
    }
}
