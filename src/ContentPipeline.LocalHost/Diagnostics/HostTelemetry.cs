using System.Diagnostics;

namespace ContentPipeline.LocalHost.Diagnostics;

/// <summary>
/// The local host's own spans, beside the app's (<see cref="ContentPipeline.Diagnostics.PipelineTelemetry"/>): what the
/// host does around each invocation. Azure's host has its own (Application Insights requests and dependencies); these
/// say what this stand-in adds, so a breakdown can tell the host's share from the app's. One per host (a singleton):
/// several hosts in one process (the tests run them so) each time only their own stages.
/// </summary>
public sealed class HostTelemetry : IDisposable
{
    /// <summary>The source's name.</summary>
    public const string SourceName = "ContentPipeline.LocalHost";

    /// <summary>This host's source: a listener that should hear this host alone listens to this object, not the name.</summary>
    public ActivitySource Source { get; } = new(SourceName);

    /// <summary>Starts a stage's activity (null when nobody listens).</summary>
    public Activity? Stage(string name) => Source.StartActivity(name, ActivityKind.Internal);

    public void Dispose() => Source.Dispose();

    /// <summary>The host's stages.</summary>
    public static class Stages
    {
        /// <summary>One receive from the blob-trigger queue (up to 16 messages).</summary>
        public const string QueueReceive = "host.queue.receive";

        /// <summary>One message, from its receipt to its deletion: everything below.</summary>
        public const string BlobMessage = "host.blob.message";

        /// <summary>The blob's properties read, as the blobs extension does before each run.</summary>
        public const string BlobProperties = "host.blob.properties";

        /// <summary>An invocation over gRPC: the request sent, the worker's run, its response received.</summary>
        public const string Invoke = "host.invoke";

        /// <summary>The message deleted after a run that succeeded.</summary>
        public const string QueueDelete = "host.queue.delete";

        /// <summary>One HTTP request to a function, from routing to the worker's last byte.</summary>
        public const string Http = "host.http";

        /// <summary>Route match and key check.</summary>
        public const string HttpRouteAndKey = "host.http.route-key";

        /// <summary>The request forwarded to the worker's HTTP server and its response copied back.</summary>
        public const string HttpForward = "host.http.forward";
    }
}
