using System.Globalization;
using System.Text.Json.Nodes;
using ContentPipeline.Feeds;
using ContentPipeline.Hosting;
using ContentPipeline.InfraTests.Infrastructure;
using ContentPipeline.Parsing;
using ContentPipeline.Storage;

namespace ContentPipeline.InfraTests;

/// <summary>The function app's settings in infra/main.bicep agree with what the code reads, and hold no secret.</summary>
public class AppSettingsTests
{
    private const string ManagedIdentity = "managedidentity";

    /// <summary>The host's own storage connection.</summary>
    private const string HostStorage = "AzureWebJobsStorage";

    [Fact]
    public void PipelineConnection_IsIdentityBased_WithEveryServiceUriTheCodeUses()
    {
        var (site, settings) = Templates.FunctionAppSettings();

        // Blob for the trigger and the pipeline, queue for the trigger's poison queue, table for the pipeline's tables.
        foreach (var service in new[] { "blobServiceUri", "queueServiceUri", "tableServiceUri", "clientId" })
        {
            Assert.True(settings.ContainsKey($"{StorageConnection.Name}__{service}"), $"{StorageConnection.Name}__{service} is not set.");
        }

        Assert.Equal(ManagedIdentity, site.Template.ResolveString(Assert.Contains($"{StorageConnection.Name}__credential", settings)));
        Assert.False(settings.ContainsKey(StorageConnection.Name), $"{StorageConnection.Name} would be a connection string.");
    }

    [Fact]
    public void EveryBlobTriggerConnection_IsThePipelinesConnection()
    {
        var triggers = AppCode.BlobTriggers().ToList();

        Assert.NotEmpty(triggers);
        Assert.All(triggers, t => Assert.Equal(StorageConnection.Name, t.Trigger.Connection));
    }

    [Fact]
    public void HostStorage_IsIdentityBased_WithTheAppsIdentity()
    {
        var (site, settings) = Templates.FunctionAppSettings();

        Assert.True(settings.ContainsKey($"{HostStorage}__accountName"));
        Assert.Equal(ManagedIdentity, site.Template.ResolveString(Assert.Contains($"{HostStorage}__credential", settings)));
        Assert.False(settings.ContainsKey(HostStorage), $"{HostStorage} would be a connection string.");
    }

    [Fact]
    public void EveryClientId_IsTheUserAssignedIdentitysClientId()
    {
        var (site, settings) = Templates.FunctionAppSettings();
        var hostClientId = Raw(settings, $"{HostStorage}__clientId");

        Assert.Equal(hostClientId, Raw(settings, $"{StorageConnection.Name}__clientId"));
        Assert.Equal("[parameters('identityClientId')]", hostClientId);
        Assert.Equal("[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]", Raw(settings, "APPLICATIONINSIGHTS_AUTHENTICATION_STRING"));

        // main.bicep passes the identity module's clientId output, and the site runs as that same identity.
        var functionAppModule = Assert.Single(Templates.Main.ResourcesOfType("Microsoft.Resources/deployments"), d => (string?)d.Json["name"] == "function-app");
        var passedClientId = functionAppModule.Raw("properties.parameters.identityClientId.value");
        Assert.Contains("'identity'", passedClientId, StringComparison.Ordinal);
        Assert.EndsWith(".outputs.clientId.value]", passedClientId, StringComparison.Ordinal);
        Assert.Equal("UserAssigned", site.Resolved("identity.type"));
    }

    [Fact]
    public void EverySettingNamedInATriggerAttribute_IsSet()
    {
        var (_, settings) = Templates.FunctionAppSettings();
        var named = AppCode.SettingsNamedByBindings().ToList();

        Assert.Contains(FeedOptions.ScheduleSetting, named);
        Assert.All(named, name => Assert.True(settings.ContainsKey(name), $"%{name}% is used by a trigger but not set."));
    }

    [Fact]
    public void FeedSchedule_IsTheDocumentedDefault()
    {
        var (site, settings) = Templates.FunctionAppSettings();

        Assert.Equal(FeedOptions.DefaultSchedule, site.Template.ResolveString(settings[FeedOptions.ScheduleSetting]));
    }

    [Fact]
    public void FeedAndIngestOptions_AreSet_ToTheAppsDefaults()
    {
        var (site, settings) = Templates.FunctionAppSettings();

        Assert.True(settings.ContainsKey($"{FeedOptions.Section}__{nameof(FeedOptions.PublicBaseUrl)}"));
        Assert.Equal(new FeedOptions().MaxItems.ToString(CultureInfo.InvariantCulture),
            site.Template.ResolveString(settings[$"{FeedOptions.Section}__{nameof(FeedOptions.MaxItems)}"]));
        Assert.Equal(FrontMatterLimits.DefaultMaxFileBytes.ToString(CultureInfo.InvariantCulture),
            site.Template.ResolveString(settings[$"{ServiceCollectionExtensions.IngestSection}__{nameof(FrontMatterLimits.MaxFileBytes)}"]));
    }

    [Fact]
    public void FeedsHubUrl_IsTheDeploymentsParameter_WhichTheAppReadsEmptyAsNone()
    {
        var (_, settings) = Templates.FunctionAppSettings();
        var functionAppModule = Assert.Single(Templates.Main.ResourcesOfType("Microsoft.Resources/deployments"), d => (string?)d.Json["name"] == "function-app");

        Assert.Equal("[parameters('feedsHubUrl')]", Raw(settings, $"{FeedOptions.Section}__{nameof(FeedOptions.HubUrl)}"));
        Assert.Equal("[parameters('feedsHubUrl')]", functionAppModule.Raw("properties.parameters.feedsHubUrl.value"));
        Assert.Null(new FeedOptions { HubUrl = string.Empty }.Hub);
    }

    [Fact]
    public void FeedsPublicBaseUrl_IsTheFeedsContainersUrl()
    {
        var (_, settings) = Templates.FunctionAppSettings();
        var storageModule = Assert.Single(Templates.Main.ResourcesOfType("Microsoft.Resources/deployments"), d => (string?)d.Json["name"] == "storage");
        var feedsUrl = (string?)storageModule["properties.template.outputs.feedsUrl.value"];

        Assert.Equal("[parameters('feedsUrl')]", Raw(settings, $"{FeedOptions.Section}__{nameof(FeedOptions.PublicBaseUrl)}"));
        Assert.StartsWith("[format('{0}{1}/', reference(", feedsUrl, StringComparison.Ordinal);
        Assert.EndsWith($".primaryEndpoints.blob, '{StorageNames.FeedsContainer}')]", feedsUrl, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplicationInsights_IsWired_WithMicrosoftEntraAuthentication()
    {
        var (_, settings) = Templates.FunctionAppSettings();

        Assert.Contains("ConnectionString", Raw(settings, "APPLICATIONINSIGHTS_CONNECTION_STRING"), StringComparison.Ordinal);
        Assert.Contains("Authorization=AAD", Raw(settings, "APPLICATIONINSIGHTS_AUTHENTICATION_STRING"), StringComparison.Ordinal);
        var insights = Assert.Single(Templates.Main.ResourcesOfType("Microsoft.Insights/components"));
        Assert.True((bool?)insights["properties.DisableLocalAuth"]);
        Assert.Contains("Microsoft.OperationalInsights/workspaces", insights.Raw("properties.WorkspaceResourceId"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AccountKey=")]
    [InlineData("SharedAccessSignature")]
    [InlineData("DefaultEndpointsProtocol")]
    [InlineData("listKeys(")]
    [InlineData("listAccountSas(")]
    [InlineData("listServiceSas(")]
    public void NoAppSetting_HoldsASecret(string marker)
    {
        var (_, settings) = Templates.FunctionAppSettings();

        Assert.All(settings, s => Assert.DoesNotContain(marker, s.Value?.ToJsonString() ?? "", StringComparison.OrdinalIgnoreCase));
        // Nor anything else in the templates: a key passed through a module parameter would show here.
        Assert.DoesNotContain(marker, Templates.MainJson, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("FUNCTIONS_WORKER_RUNTIME")]
    [InlineData("FUNCTIONS_EXTENSION_VERSION")]
    [InlineData("WEBSITE_RUN_FROM_PACKAGE")]
    [InlineData("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING")]
    [InlineData("WEBSITE_CONTENTSHARE")]
    public void FlexConsumption_RejectedSetting_IsNotSet(string setting)
    {
        var (_, settings) = Templates.FunctionAppSettings();

        Assert.False(settings.ContainsKey(setting), $"Flex Consumption rejects {setting}: the runtime comes from functionAppConfig.");
    }

    private static string Raw(IReadOnlyDictionary<string, JsonNode?> settings, string name) =>
        Assert.IsType<string>(settings.TryGetValue(name, out var value) ? (string?)value : null, exactMatch: true);
}
