using System.Text.Json.Nodes;
using ContentPipeline.InfraTests.Infrastructure;

namespace ContentPipeline.InfraTests;

/// <summary>The function app in infra/main.bicep: Flex Consumption, .NET isolated on the runtime the code targets.</summary>
public class FunctionAppTests
{
    [Fact]
    public void Plan_IsFlexConsumption()
    {
        var plan = Assert.Single(Templates.Main.ResourcesOfType("Microsoft.Web/serverfarms"));

        Assert.Equal("FC1", plan.Resolved("sku.name"));
        Assert.Equal("FlexConsumption", plan.Resolved("sku.tier"));
        Assert.True((bool?)plan["properties.reserved"]);
    }

    [Fact]
    public void FunctionApp_RunsTheIsolatedWorker_OnTheDotNetVersionTheCodeTargets()
    {
        var site = Assert.Single(Templates.Main.ResourcesOfType("Microsoft.Web/sites"));

        Assert.Equal("functionapp,linux", site.Resolved("kind"));
        Assert.Equal("dotnet-isolated", site.Resolved("properties.functionAppConfig.runtime.name"));
        // The tests build for the same TargetFramework as the app (Directory.Build.props).
        Assert.Equal($"{Environment.Version.Major}.0", site.Resolved("properties.functionAppConfig.runtime.version"));
        Assert.Equal(2048, (int?)site["properties.functionAppConfig.scaleAndConcurrency.instanceMemoryMB"]);
        Assert.NotNull(site["properties.functionAppConfig.scaleAndConcurrency.maximumInstanceCount"]);
        Assert.True((bool?)site["properties.httpsOnly"]);
    }

    [Fact]
    public void DeploymentStorage_IsABlobContainer_ReadWithTheUserAssignedIdentity()
    {
        var site = Assert.Single(Templates.Main.ResourcesOfType("Microsoft.Web/sites"));

        Assert.Equal("blobContainer", site.Resolved("properties.functionAppConfig.deployment.storage.type"));
        Assert.Equal("UserAssignedIdentity", site.Resolved("properties.functionAppConfig.deployment.storage.authentication.type"));
        Assert.Equal("[parameters('identityId')]", site.Raw("properties.functionAppConfig.deployment.storage.authentication.userAssignedIdentityResourceId"));
    }

    [Fact]
    public void BasicPublishingCredentials_AreDisabled()
    {
        var policies = Templates.Main.ResourcesOfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();

        Assert.Equal(["ftp", "scm"], policies.SelectMany(p => p.ChildNames()).Order(StringComparer.Ordinal));
        Assert.All(policies, p => Assert.False((bool?)p["properties.allow"]));
    }

    [Fact]
    public void Cors_AllowsNoBrowserOrigin_ByDefault()
    {
        var site = Assert.Single(Templates.MainWithDefaults.ResourcesOfType("Microsoft.Web/sites"));

        Assert.Equal("", (string?)Templates.Main.Parameters["corsAllowedOrigins"]?["defaultValue"]);
        Assert.Empty(Assert.IsType<JsonArray>(site["properties.siteConfig.cors.allowedOrigins"]));
        Assert.False((bool?)site["properties.siteConfig.cors.supportCredentials"]);
    }

    [Fact]
    public void Cors_AllowsExactlyTheConfiguredOrigins_WithoutBlanksOrCredentials()
    {
        var site = Assert.Single(Templates.MainConfigured.ResourcesOfType("Microsoft.Web/sites"));
        var origins = Assert.IsType<JsonArray>(site["properties.siteConfig.cors.allowedOrigins"]).Select(o => (string?)o);

        // From Templates.Configured.CorsAllowedOrigins: " https://editor.example.com, ,http://localhost:5173,".
        Assert.Equal(["https://editor.example.com", "http://localhost:5173"], origins);
        Assert.False((bool?)site["properties.siteConfig.cors.supportCredentials"]);
    }
}
