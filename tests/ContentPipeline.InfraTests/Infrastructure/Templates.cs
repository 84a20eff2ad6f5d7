using System.Text.Json.Nodes;

namespace ContentPipeline.InfraTests.Infrastructure;

/// <summary>The templates under test, each compiled once per test run.</summary>
internal static class Templates
{
    private static readonly Lazy<(ArmTemplate Template, string Json)> MainTemplate = new(() => Compile("infra/main.bicep"));

    private static readonly Lazy<(ArmTemplate Template, string Json)> IngestSubscriptionTemplate = new(() => Compile(IngestSubscriptionPath));

    /// <summary>The template that the post-deploy hook deploys (relative to the repository root).</summary>
    public const string IngestSubscriptionPath = "infra/events/ingest-subscription.bicep";

    /// <summary>infra/main.bicep, the template azd provisions, with its modules inlined.</summary>
    public static ArmTemplate Main => MainTemplate.Value.Template;

    public static string MainJson => MainTemplate.Value.Json;

    /// <summary>The Event Grid subscription that scripts/post-deploy.sh deploys after the code.</summary>
    public static ArmTemplate IngestSubscription => IngestSubscriptionTemplate.Value.Template;

    public static string IngestSubscriptionJson => IngestSubscriptionTemplate.Value.Json;

    /// <summary>The app settings of the (one) function app: name, and the raw value (a literal or an ARM expression).</summary>
    public static (ArmResource Site, IReadOnlyDictionary<string, JsonNode?> Settings) FunctionAppSettings()
    {
        var site = Assert.Single(Main.ResourcesOfType("Microsoft.Web/sites"));
        var settings = Assert.IsType<JsonArray>(site["properties.siteConfig.appSettings"]);
        var byName = new Dictionary<string, JsonNode?>(StringComparer.OrdinalIgnoreCase);
        foreach (var setting in settings.OfType<JsonObject>())
        {
            var name = (string?)setting["name"] ?? throw new InvalidOperationException("An app setting has no literal name.");
            Assert.True(byName.TryAdd(name, setting["value"]), $"App setting {name} is set twice.");
        }

        return (site, byName);
    }

    private static (ArmTemplate, string) Compile(string relativePath)
    {
        var json = BicepCli.Compiled(relativePath);
        return (new ArmTemplate(json), json.ToJsonString());
    }
}
