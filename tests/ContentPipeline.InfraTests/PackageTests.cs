using System.Text.Json.Nodes;
using ContentPipeline.InfraTests.Infrastructure;

namespace ContentPipeline.InfraTests;

/// <summary>
/// The package azd deploys (the publish output of src/ContentPipeline.Functions, published next to these tests) has
/// what the Azure Functions host reads, and its function metadata agrees with infra/ and with the OpenAPI document.
/// </summary>
public class PackageTests
{
    private static readonly string Package = Path.Combine(AppContext.BaseDirectory, "functions-app");

    private static readonly Lazy<JsonArray> Metadata = new(() => JsonNode.Parse(File.ReadAllText(Path.Combine(Package, "functions.metadata")))!.AsArray());

    [Theory]
    [InlineData("functions.metadata")]
    [InlineData("worker.config.json")]
    [InlineData("host.json")]
    [InlineData("extensions.json")]
    [InlineData("ContentPipeline.Functions.dll")]
    public void ThePackage_HasWhatTheHostReads(string file) =>
        Assert.True(File.Exists(Path.Combine(Package, file)), $"{file} is missing from the published package.");

    [Fact]
    public void EveryExtensionTheHostLoads_IsInThePackage_UnderAzurefunctions()
    {
        var extensions = JsonNode.Parse(File.ReadAllText(Path.Combine(Package, "extensions.json")))!["extensions"]!.AsArray();

        Assert.Contains(extensions, e => (string?)e!["name"] == "AzureStorageBlobs");
        Assert.Contains(extensions, e => (string?)e!["name"] == "EventGrid"); // the Event Grid trigger's webhook (RemoveDeletedArticle)
        Assert.All(extensions, e =>
        {
            var hint = (string)e!["hintPath"]!;
            Assert.StartsWith("./.azurefunctions/", hint, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(Package, hint)), $"{hint} is missing.");
        });
    }

    [Fact]
    public void TheWorkerConfig_StartsThisApp_AsADotnetIsolatedWorker()
    {
        var description = JsonNode.Parse(File.ReadAllText(Path.Combine(Package, "worker.config.json")))!["description"]!;

        Assert.Equal("dotnet-isolated", (string?)description["language"]);
        Assert.Equal("ContentPipeline.Functions.dll", (string?)description["defaultWorkerPath"]);
        Assert.Equal("true", (string?)description["workerIndexing"]);
    }

    [Fact]
    public void ThePackagesHostJson_IsTheRepositorys()
    {
        Assert.Equal(File.ReadAllText(Repository.PathOf("host.json")), File.ReadAllText(Path.Combine(Package, "host.json")));
    }

    [Fact]
    public void BlobTriggers_UseTheEventGridSource_OnTheConnectionInfraSets_AndTheSubscriptionsContainerAndWebhook()
    {
        var (_, settings) = Templates.FunctionAppSettings();
        var subscription = Assert.Single(Templates.IngestSubscription.ResourcesOfType("Microsoft.EventGrid/systemTopics/eventSubscriptions"));
        var triggers = Triggers("blobTrigger").ToList();

        var (function, trigger) = Assert.Single(triggers);
        Assert.Equal("EventGrid", (string?)trigger["source"]);
        var connection = (string)trigger["connection"]!;
        Assert.True(settings.ContainsKey($"{connection}__blobServiceUri") && settings.ContainsKey($"{connection}__queueServiceUri"), $"infra/ does not set the connection {connection} (blob and queue: the trigger's poison queue).");
        var container = ((string)trigger["path"]!).Split('/')[0];
        Assert.Equal($"/blobServices/default/containers/{container}/", subscription.Resolved("properties.filter.subjectBeginsWith"));

        // Azure's blobs extension runs a webhook message only for an id it registered, compared exactly (ordinal): any
        // other name is accepted with 202 and dropped as done, so a drifted URL would lose every upload quietly.
        var named = System.Text.RegularExpressions.Regex.Match(subscription.Raw("properties.destination.properties.endpointUrl") ?? string.Empty, "[?&]functionName=([^&]*)&");
        Assert.True(named.Success, "The subscription's webhook URL names no function.");
        Assert.Contains(named.Groups[1].Value, (string[])[$"Host.Functions.{function}", $"Functions.{function}"]);
    }

    [Fact]
    public void TimerSchedules_NameAppSettings_ThatInfraSets()
    {
        var (_, settings) = Templates.FunctionAppSettings();
        var schedules = Triggers("timerTrigger").Select(t => (Function: t.Function, Schedule: (string)t.Binding["schedule"]!)).ToList();

        Assert.Contains(schedules, s => s.Schedule == "%FeedSchedule%");
        Assert.All(schedules, s =>
        {
            Assert.Matches("^%[A-Za-z]+%$", s.Schedule); // operators change schedules in settings, never in code
            Assert.True(settings.ContainsKey(s.Schedule.Trim('%')), $"{s.Function}'s schedule {s.Schedule} is not set by infra/.");
        });
    }

    [Fact]
    public void HttpTriggers_AreExactlyTheOpenApiOperations_WithTheirRoutesMethodsAndKeys()
    {
        var document = JsonNode.Parse(File.ReadAllText(Repository.PathOf("src/ContentPipeline.Functions/openapi.json")))!;
        var prefix = (string?)JsonNode.Parse(File.ReadAllText(Path.Combine(Package, "host.json")))!["extensions"]?["http"]?["routePrefix"] ?? "api";
        Assert.Equal($"/{prefix}", (string?)document["servers"]![0]!["url"]);
        var described = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(m => (Path: p.Key.TrimStart('/'), Method: m.Key, Id: (string?)m.Value!["operationId"], Keyed: m.Value["security"] is not null)))
            .OrderBy(x => x.Id, StringComparer.Ordinal)
            .ToList();

        var packaged = Triggers("httpTrigger")
            .SelectMany(t => t.Binding["methods"]!.AsArray().Select(m => (Path: (string)t.Binding["route"]!, Method: (string)m!, Id: (string?)t.Function, Keyed: (string?)t.Binding["authLevel"] != "Anonymous")))
            .OrderBy(x => x.Id, StringComparer.Ordinal)
            .ToList();

        Assert.Equal(packaged, described);
    }

    private static IEnumerable<(string Function, JsonObject Binding)> Triggers(string type) =>
        Metadata.Value.Select(f => f!.AsObject())
            .SelectMany(f => f["bindings"]!.AsArray().Select(b => (Function: (string)f["name"]!, Binding: b!.AsObject())))
            .Where(b => (string?)b.Binding["type"] == type);
}
