using System.Diagnostics;
using System.Text.Json;
using ContentPipeline.Diagnostics;
using Microsoft.ApplicationInsights;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ContentPipeline.Functions;

/// <summary>
/// Where the pipeline's stage spans (<see cref="PipelineTelemetry"/>) go. With Application Insights configured
/// (<c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>, as in Azure), each becomes a dependency of type
/// <see cref="DependencyType"/> under its invocation's operation, so a deployment's breakdown is a query away
/// (<c>dependencies | where type == "ContentPipeline" | summarize percentiles(duration, 50, 99) by name</c>); without it
/// nothing listens and the spans cost nothing. With the
/// <c>StageTimingsFile</c> setting, this instance also writes each stage's count, mean, median and 99th percentile to that
/// file every second: how the benchmark's <c>--breakdown</c> reads the worker's side of a run.
/// </summary>
public static class StageTelemetry
{
    /// <summary>The setting naming the file the stage summary is written to (unset: none is written).</summary>
    public const string FileSetting = "StageTimingsFile";

    /// <summary>The dependency type of the stage spans in Application Insights (the worker's own are <c>InProc</c>).</summary>
    public const string DependencyType = "ContentPipeline";

    /// <summary>Sends the stage spans to Application Insights, and to the summary file when one is set.</summary>
    public static IServiceCollection AddStageTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[TelemetryExtensions.ConnectionStringSetting] is { Length: > 0 })
        {
            services.AddHostedService<StageDependencies>();
        }

        if (configuration[FileSetting] is { Length: > 0 } file)
        {
            services.AddHostedService(_ => new StageSummaryFile(file));
        }

        return services;
    }

    /// <summary>Tracks each stage span as a dependency of the invocation it ran in.</summary>
    private sealed class StageDependencies(TelemetryClient telemetry) : IHostedService, IDisposable
    {
        private ActivityListener? _listener;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = static source => source.Name == PipelineTelemetry.SourceName,
                Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = Track,
            };
            ActivitySource.AddActivityListener(_listener);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose() => _listener?.Dispose();

        private void Track(Activity activity)
        {
            var dependency = new DependencyTelemetry
            {
                Type = DependencyType,
                Name = activity.OperationName,
                Timestamp = activity.StartTimeUtc,
                Duration = activity.Duration,
                Success = activity.Status != ActivityStatusCode.Error,
                Id = activity.SpanId.ToHexString(),
            };
            dependency.Context.Operation.Id = activity.TraceId.ToHexString();
            dependency.Context.Operation.ParentId = activity.ParentSpanId.ToHexString();
            telemetry.TrackDependency(dependency);
        }
    }

    /// <summary>Writes this process's stage summary to a file every second (whole, through a temporary file).</summary>
    private sealed class StageSummaryFile(string path) : BackgroundService
    {
        private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            using var timings = new StageTimings(PipelineTelemetry.SourceName);
            using var ticks = new PeriodicTimer(TimeSpan.FromSeconds(1));
            try
            {
                while (await ticks.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                {
                    try
                    {
                        var temporary = $"{path}.{Environment.ProcessId}.tmp";
                        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(timings.Snapshot(), Json), CancellationToken.None).ConfigureAwait(false);
                        File.Move(temporary, path, overwrite: true);
                    }
                    catch (IOException)
                    {
                        // A reader holds the file (Windows) or the disk is full: the next tick tries again.
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping.
            }
        }
    }
}
