using System.Diagnostics;

namespace ContentPipeline.Diagnostics;

/// <summary>
/// The pipeline's spans: one <see cref="ActivitySource"/> whose activities time each stage of an ingest, a save and a
/// lookup. Nothing is recorded unless something listens (Application Insights in Azure, <see cref="StageTimings"/> for a
/// local breakdown); until then <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null and costs a
/// check.
/// </summary>
public static class PipelineTelemetry
{
    /// <summary>The source's name: what a listener or an OpenTelemetry tracer subscribes to.</summary>
    public const string SourceName = "ContentPipeline";

    /// <summary>The source every stage's activity comes from.</summary>
    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>Starts a stage's activity (null when nobody listens); dispose it to end the stage.</summary>
    public static Activity? Stage(string name) => Source.StartActivity(name, ActivityKind.Internal);

    /// <summary>
    /// Marks a stage failed, with the exception's type, and returns false: for an exception filter that only records,
    /// <c>catch (Exception ex) when (PipelineTelemetry.Failed(stage, ex))</c>, so the exception goes on as it was.
    /// </summary>
    public static bool Failed(Activity? stage, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        stage?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        return false;
    }

    /// <summary>The stages' names, in the order an ingest or a lookup passes them.</summary>
    public static class Stages
    {
        /// <summary>A whole ingest of one file.</summary>
        public const string Ingest = "ingest";

        /// <summary>The file's one ranged download.</summary>
        public const string Download = "ingest.download";

        /// <summary>Front matter split, parsed, validated and mapped.</summary>
        public const string Parse = "ingest.parse";

        /// <summary>The body rendered to sanitised HTML.</summary>
        public const string Render = "ingest.render";

        /// <summary>The article saved: pending record, commit, index, mark, record removed.</summary>
        public const string Save = "ingest.save";

        /// <summary>The article put into its story.</summary>
        public const string Story = "ingest.story";

        /// <summary>The blob's outcome recorded.</summary>
        public const string Outcome = "ingest.outcome";

        /// <summary>A save's read of the stored article.</summary>
        public const string SaveRead = "save.read";

        /// <summary>A save's pending record written.</summary>
        public const string SavePending = "save.pending";

        /// <summary>A save's article entity committed (under its ETag, or inserted).</summary>
        public const string SaveCommit = "save.commit";

        /// <summary>A save's index entries written and stale ones removed (group commit).</summary>
        public const string SaveIndex = "save.index";

        /// <summary>A save's article marked in step (under the commit's ETag).</summary>
        public const string SaveMark = "save.mark";

        /// <summary>A save's pending record removed.</summary>
        public const string SaveEnd = "save.end";

        /// <summary>A lookup's point read of the article (and its body blob, if any).</summary>
        public const string Lookup = "lookup.read";
    }
}
