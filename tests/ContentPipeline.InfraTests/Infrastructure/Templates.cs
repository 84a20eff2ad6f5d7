using System.Text.Json.Nodes;

namespace ContentPipeline.InfraTests.Infrastructure;

/// <summary>The templates under test, each compiled once per test run, and main.bicep evaluated twice (snapshots).</summary>
internal static class Templates
{
    private const string MainPath = "infra/main.bicep";

    /// <summary>The parameters without a default, as azd sets them.</summary>
    private static readonly Dictionary<string, string> RequiredParameters = new()
    {
        ["environmentName"] = "infratest",
        ["location"] = DeploymentSnapshot.Location,
    };

    private static readonly Lazy<(ArmTemplate Template, string Json)> MainTemplate = new(() => Compile(MainPath));

    private static readonly Lazy<(ArmTemplate Template, string Json)> IngestSubscriptionTemplate = new(() => Compile(IngestSubscriptionPath));

    private static readonly Lazy<(ArmTemplate Template, string Json)> DeletionSubscriptionTemplate = new(() => Compile(DeletionSubscriptionPath));

    private static readonly Lazy<DeploymentSnapshot> MainDefaultSnapshot = new(() => BicepCli.Snapshot(MainPath, "defaults", RequiredParameters));

    private static readonly Lazy<DeploymentSnapshot> MainConfiguredSnapshot = new(() => BicepCli.Snapshot(MainPath, "configured", new Dictionary<string, string>(RequiredParameters)
    {
        ["principalId"] = Configured.DeployingPrincipalId,
        ["uploaderPrincipalId"] = Configured.UploaderPrincipalId,
        ["uploaderPrincipalType"] = Configured.UploaderPrincipalType,
        ["corsAllowedOrigins"] = Configured.CorsAllowedOrigins,
    }));

    /// <summary>The template that the post-deploy hook deploys (relative to the repository root).</summary>
    public const string IngestSubscriptionPath = "infra/events/ingest-subscription.bicep";

    /// <summary>The deletion subscription the post-deploy hook deploys (relative to the repository root).</summary>
    public const string DeletionSubscriptionPath = "infra/events/deletion-subscription.bicep";

    /// <summary>infra/main.bicep, the template azd provisions, with its modules inlined.</summary>
    public static ArmTemplate Main => MainTemplate.Value.Template;

    public static string MainJson => MainTemplate.Value.Json;

    /// <summary>infra/main.bicep evaluated as `azd up` deploys it when no optional azd variable is set.</summary>
    public static DeploymentSnapshot MainWithDefaults => MainDefaultSnapshot.Value;

    /// <summary>infra/main.bicep evaluated with every optional input set (the values in <see cref="Configured"/>).</summary>
    public static DeploymentSnapshot MainConfigured => MainConfiguredSnapshot.Value;

    /// <summary>The values of <see cref="MainConfigured"/>'s optional parameters.</summary>
    public static class Configured
    {
        public const string DeployingPrincipalId = "11111111-1111-1111-1111-111111111111";

        public const string UploaderPrincipalId = "22222222-2222-2222-2222-222222222222";

        public const string UploaderPrincipalType = "Group";

        /// <summary>As a person would type it: spaces, an empty entry, a trailing comma.</summary>
        public const string CorsAllowedOrigins = " https://editor.example.com, ,http://localhost:5173,";
    }

    /// <summary>The Event Grid subscription that scripts/post-deploy.sh deploys after the code.</summary>
    public static ArmTemplate IngestSubscription => IngestSubscriptionTemplate.Value.Template;

    public static string IngestSubscriptionJson => IngestSubscriptionTemplate.Value.Json;

    /// <summary>The Event Grid subscription of the deletion handler, deployed by scripts/post-deploy.sh too.</summary>
    public static ArmTemplate DeletionSubscription => DeletionSubscriptionTemplate.Value.Template;

    public static string DeletionSubscriptionJson => DeletionSubscriptionTemplate.Value.Json;

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
