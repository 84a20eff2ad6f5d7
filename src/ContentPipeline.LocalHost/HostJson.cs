using System.Globalization;
using System.Text.Json.Nodes;

namespace ContentPipeline.LocalHost;

/// <summary>The parts of the app's host.json this host honours, with the Azure host's defaults.</summary>
/// <param name="RoutePrefix">extensions.http.routePrefix (default <c>api</c>).</param>
/// <param name="BlobParallelism">extensions.blobs.maxDegreeOfParallelism: blob-triggered runs at once.</param>
/// <param name="FunctionTimeout">functionTimeout: an invocation still running after it is cancelled and counted failed.</param>
public sealed record HostJson(string RoutePrefix, int? BlobParallelism, TimeSpan FunctionTimeout)
{
    /// <summary>The Flex Consumption default when host.json sets no functionTimeout.</summary>
    public static readonly TimeSpan DefaultFunctionTimeout = TimeSpan.FromMinutes(30);

    public static HostJson Load(string appDirectory)
    {
        var path = Path.Combine(appDirectory, "host.json");
        if (!File.Exists(path))
        {
            return new HostJson("api", null, DefaultFunctionTimeout);
        }

        var json = JsonNode.Parse(File.ReadAllText(path));
        var prefix = json?["extensions"]?["http"]?["routePrefix"]?.GetValue<string>();
        var parallelism = json?["extensions"]?["blobs"]?["maxDegreeOfParallelism"]?.GetValue<int>();
        var timeout = json?["functionTimeout"]?.GetValue<string>() is { } text
            ? TimeSpan.Parse(text, CultureInfo.InvariantCulture)
            : DefaultFunctionTimeout;
        return new HostJson((prefix ?? "api").Trim('/'), parallelism, timeout);
    }
}
