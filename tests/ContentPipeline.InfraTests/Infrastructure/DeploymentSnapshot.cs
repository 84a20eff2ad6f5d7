using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ContentPipeline.InfraTests.Infrastructure;

/// <summary>
/// The resources that <c>bicep snapshot</c> predicts a deployment would create (BicepCli.Snapshot). Unlike the compiled
/// template, values are evaluated: a condition that is false leaves its resource out, a lambda has run, a module's
/// parameters and outputs are filled in, and ids are full resource ids in the made-up subscription below.
/// </summary>
internal sealed class DeploymentSnapshot(JsonObject root)
{
    public const string TenantId = "00000000-0000-0000-0000-00000000000a";

    public const string SubscriptionId = "00000000-0000-0000-0000-00000000000b";

    public const string Location = "eastus";

    public IEnumerable<PredictedResource> Resources =>
        (root["predictedResources"]?.AsArray() ?? []).OfType<JsonObject>().Select(r => new PredictedResource(r));

    /// <summary>What bicep reported while evaluating (nothing, when every expression could be evaluated or deferred).</summary>
    public IReadOnlyList<string> Diagnostics => [.. (root["diagnostics"]?.AsArray() ?? []).Select(d => d?.ToJsonString() ?? "")];

    public IEnumerable<PredictedResource> ResourcesOfType(string type) =>
        Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));
}

/// <summary>One predicted resource: its evaluated JSON (type, name, id, properties).</summary>
internal sealed partial record PredictedResource(JsonObject Json)
{
    private const string RoleAssignmentsProvider = "/providers/Microsoft.Authorization/roleAssignments/";

    public string Type => (string?)Json["type"] ?? "";

    /// <summary>The full resource id; an expression when the name needs a value only Azure knows (a new principal id).</summary>
    public string Id => (string?)Json["id"] ?? "";

    public JsonNode? this[string path] => path.Split('.').Aggregate<string, JsonNode?>(Json, (node, key) => node?[key]);

    public string? Text(string path) => this[path] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>
    /// The id of the resource a role assignment applies to: <c>{scope}/providers/Microsoft.Authorization/roleAssignments/{guid}</c>,
    /// or <c>[extensionResourceId('{scope}', 'Microsoft.Authorization/roleAssignments', guid(…))]</c> while the guid waits
    /// for a principal id.
    /// </summary>
    public string RoleAssignmentScope =>
        ExtensionResourceScope().Match(Id) is { Success: true } expression ? expression.Groups["scope"].Value
        : Id.LastIndexOf(RoleAssignmentsProvider, StringComparison.OrdinalIgnoreCase) is var at and > 0 ? Id[..at]
        : throw new InvalidOperationException($"{Id} is not the id of a role assignment.");

    /// <summary>The built-in role a role assignment grants (the last segment of its role definition id).</summary>
    public string RoleDefinitionGuid => Text("properties.roleDefinitionId")?.Split('/')[^1] ?? "";

    [GeneratedRegex(@"^\[extensionResourceId\('(?<scope>[^']+)', 'Microsoft\.Authorization/roleAssignments',")]
    private static partial Regex ExtensionResourceScope();
}
