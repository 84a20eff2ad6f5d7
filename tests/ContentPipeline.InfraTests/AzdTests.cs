using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ContentPipeline.InfraTests.Infrastructure;
using YamlDotNet.Serialization;

namespace ContentPipeline.InfraTests;

/// <summary>azure.yaml, infra/main.parameters.json and the post-deploy hook fit the template and each other.</summary>
public partial class AzdTests
{
    /// <summary>Values azd itself puts in every environment, besides the template's outputs.</summary>
    private static readonly string[] AzdVariables = ["AZURE_ENV_NAME", "AZURE_LOCATION", "AZURE_SUBSCRIPTION_ID", "AZURE_PRINCIPAL_ID"];

    [Fact]
    public void AzureYaml_ProvisionsInfra_AndDeploysTheFunctionsProject()
    {
        var yaml = AzureYaml();

        Assert.Equal("infra", Text(yaml, "infra", "path"));
        var service = Assert.IsType<Dictionary<object, object>>(Node(yaml, "services", "api"));
        Assert.Equal("function", Text(service, "host"));
        Assert.Equal("dotnet", Text(service, "language"));
        var project = Repository.PathOf(Text(service, "project"));
        Assert.True(File.Exists(Path.Combine(project, "ContentPipeline.Functions.csproj")), $"{project} holds no Functions project.");
    }

    [Fact]
    public void AzureYaml_ServiceName_IsTheTagAzdFindsTheAppBy()
    {
        var services = Assert.IsType<Dictionary<object, object>>(Node(AzureYaml(), "services"));
        var site = Assert.Single(Templates.Main.ResourcesOfType("Microsoft.Web/sites"));

        Assert.Matches($"'azd-service-name', '{Assert.Single(services.Keys)}'", site.Raw("tags"));
    }

    [Fact]
    public void AzureYaml_PostDeployHook_RunsTheExecutableScript()
    {
        var run = Text(AzureYaml(), "hooks", "postdeploy", "posix", "run");
        var script = Repository.PathOf(run);

        Assert.Equal(PostDeployScriptPath, Path.GetRelativePath(Repository.Root, script).Replace('\\', '/'));
        Assert.True(File.GetUnixFileMode(script).HasFlag(UnixFileMode.UserExecute), $"{run} is not executable.");
        Assert.EndsWith(run, Text(AzureYaml(), "hooks", "postdeploy", "windows", "run"), StringComparison.Ordinal);
    }

    [Fact]
    public void MainParameters_SetEveryRequiredParameter_AndNoUnknownOne()
    {
        var file = MainParametersFile();
        var parameters = Templates.Main.Parameters;

        Assert.All(parameters.Where(p => p.Value?["defaultValue"] is null), p => Assert.True(file.ContainsKey(p.Key), $"{p.Key} has no value."));
        Assert.All(file, p => Assert.True(parameters.ContainsKey(p.Key), $"main.bicep has no parameter {p.Key}."));
        Assert.Equal("${AZURE_ENV_NAME}", (string?)file["environmentName"]?["value"]);
        Assert.Equal("${AZURE_LOCATION}", (string?)file["location"]?["value"]);
    }

    [Theory]
    [InlineData("uploaderPrincipalId", "${UPLOADER_PRINCIPAL_ID}", "")]
    [InlineData("uploaderPrincipalType", "${UPLOADER_PRINCIPAL_TYPE=ServicePrincipal}", "ServicePrincipal")]
    [InlineData("corsAllowedOrigins", "${CORS_ALLOWED_ORIGINS}", "")]
    [InlineData("feedsHubUrl", "${FEEDS_HUB_URL}", "")]
    public void MainParameters_TakeAnOptionalSetting_FromItsAzdVariable(string parameter, string value, string templateDefault)
    {
        // azd puts '' for an unset variable (or the default after '='); the template reads '' as "none".
        Assert.Equal(value, (string?)MainParametersFile()[parameter]?["value"]);
        Assert.Equal(templateDefault, (string?)Templates.Main.Parameters[parameter]?["defaultValue"]);
    }

    [Fact]
    public void PostDeployScript_PassesTheStorageAccountOutput_ForTheDeadLetterContainer()
    {
        Assert.True(Templates.Main.Outputs.ContainsKey("AZURE_STORAGE_ACCOUNT_NAME"));
        Assert.Equal("string", (string?)Templates.IngestSubscription.Parameters["storageAccountName"]?["type"]);
        Assert.Matches(StorageAccountNameParameter(), PostDeployScript());
    }

    [Fact]
    public void PostDeployScript_IsValidBash()
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-n");
        start.ArgumentList.Add(Repository.PathOf(PostDeployScriptPath));
        using var bash = Process.Start(start)!;
        var errors = bash.StandardError.ReadToEnd();
        bash.WaitForExit();

        Assert.True(bash.ExitCode == 0, errors);
    }

    [Fact]
    public void PostDeployScript_RequiresOnlyValuesTheEnvironmentHas()
    {
        var required = RequiredVariable().Matches(PostDeployScript()).Select(m => m.Groups["name"].Value).ToList();

        Assert.NotEmpty(required);
        Assert.All(required, name => Assert.True(Templates.Main.Outputs.ContainsKey(name) || AzdVariables.Contains(name), $"{name} is neither a main.bicep output nor set by azd."));
    }

    [Fact]
    public void PostDeployScript_DeploysBothSubscriptionTemplates_WithEveryParameterTheyDeclare_AndTheirOwnSystemKeys()
    {
        var script = PostDeployScript();
        var passed = PassedParameter().Matches(script).Select(m => m.Groups["name"].Value).Distinct().Order(StringComparer.Ordinal);
        var declared = Templates.IngestSubscription.Parameters.Select(p => p.Key).Union(Templates.DeletionSubscription.Parameters.Select(p => p.Key)).Order(StringComparer.Ordinal);

        Assert.Contains($"--template-file {Templates.IngestSubscriptionPath}", script, StringComparison.Ordinal);
        Assert.Contains($"--template-file {Templates.DeletionSubscriptionPath}", script, StringComparison.Ordinal);
        Assert.Contains("--query \"systemKeys.$1\"", script, StringComparison.Ordinal);
        Assert.Contains("system_key blobs_extension", script, StringComparison.Ordinal);
        Assert.Contains("system_key eventgrid_extension", script, StringComparison.Ordinal);
        Assert.Equal(declared, passed);
    }

    private const string PostDeployScriptPath = "scripts/post-deploy.sh";

    private static JsonObject MainParametersFile() =>
        JsonNode.Parse(File.ReadAllText(Repository.PathOf("infra/main.parameters.json")))?["parameters"]?.AsObject() ?? [];

    private static string PostDeployScript() => File.ReadAllText(Repository.PathOf(PostDeployScriptPath));

    private static Dictionary<object, object> AzureYaml() =>
        new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(File.ReadAllText(Repository.PathOf("azure.yaml")));

    private static object? Node(Dictionary<object, object> root, params string[] path) =>
        path.Aggregate<string, object?>(root, (node, key) => node is Dictionary<object, object> map && map.TryGetValue(key, out var child) ? child : null);

    private static string Text(Dictionary<object, object> root, params string[] path) =>
        Assert.IsType<string>(Node(root, path));

    [GeneratedRegex(@"\$\{(?<name>[A-Z_]+):\?")]
    private static partial Regex RequiredVariable();

    [GeneratedRegex(@"""(?<name>\w+)"":\s*\{\s*""value""")]
    private static partial Regex PassedParameter();

    [GeneratedRegex(@"""storageAccountName"":\s*\{\s*""value"":\s*""\$\{AZURE_STORAGE_ACCOUNT_NAME\}""")]
    private static partial Regex StorageAccountNameParameter();
}
