using System.Text.Json.Nodes;

namespace ContentPipeline.LocalHost;

/// <summary>The parts of host.json the local host honours: the HTTP route prefix and the blob parallelism.</summary>
public sealed record HostJson(string RoutePrefix, int? BlobParallelism)
{
    public static HostJson Load(string directory)
    {
        var path = Path.Combine(directory, "host.json");
        if (!File.Exists(path))
        {
            return new HostJson("api", null);
        }

        var json = JsonNode.Parse(File.ReadAllText(path));
        var http = json?["extensions"]?["http"]?["routePrefix"]?.GetValue<string>();
        var parallelism = json?["extensions"]?["blobs"]?["maxDegreeOfParallelism"]?.GetValue<int>();
        return new HostJson((http ?? "api").Trim('/'), parallelism);
    }
}
