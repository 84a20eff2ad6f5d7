using System.Text.RegularExpressions;
using ContentPipeline.InfraTests.Infrastructure;

namespace ContentPipeline.InfraTests;

/// <summary>Who may do what: the app's identity gets the data roles its connections need, and nothing more.</summary>
public partial class RoleAssignmentTests
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    [Fact]
    public void AppIdentity_GetsExactlyTheDataRolesItsConnectionsNeed()
    {
        var roles = IdentityAssignments().Select(a => RoleOf(a)).Order(StringComparer.Ordinal);

        Assert.Equal(new[] { StorageBlobDataOwner, StorageQueueDataContributor, StorageTableDataContributor, MonitoringMetricsPublisher }.Order(StringComparer.Ordinal), roles);

        // ...and the principal is the identity the app runs as.
        var rolesModule = Assert.Single(Templates.Main.ResourcesOfType("Microsoft.Resources/deployments"), d => (string?)d.Json["name"] == "roles");
        var passed = rolesModule.Raw("properties.parameters.identityPrincipalId.value");
        Assert.Contains("'identity'", passed, StringComparison.Ordinal);
        Assert.EndsWith(".outputs.principalId.value]", passed, StringComparison.Ordinal);
    }

    [Fact]
    public void StorageRoles_AreScopedToTheStorageAccount_AndTelemetryToApplicationInsights()
    {
        foreach (var assignment in IdentityAssignments())
        {
            var expectedScope = RoleOf(assignment) == MonitoringMetricsPublisher ? "Microsoft.Insights/components" : "Microsoft.Storage/storageAccounts";
            Assert.Contains(expectedScope, assignment.Raw("scope"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void DeployingUser_MayOnlyReadAndWriteBlobs()
    {
        var others = Templates.Main.ResourcesOfType("Microsoft.Authorization/roleAssignments").Where(a => !IsIdentitys(a)).ToList();

        Assert.Equal(StorageBlobDataContributor, RoleOf(Assert.Single(others)));
    }

    [Theory]
    [InlineData("8e3af657-a8ff-443c-a75c-2fe8c4bcb635")] // Owner
    [InlineData("b24988ac-6180-42a0-ab88-20f7382dd24c")] // Contributor
    [InlineData("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9")] // User Access Administrator
    [InlineData("17d1049b-9a84-46fb-8f53-869881c3d3ab")] // Storage Account Contributor (can list keys)
    public void NoOne_GetsAControlPlaneRole(string role)
    {
        Assert.DoesNotContain(role, Templates.MainJson, StringComparison.OrdinalIgnoreCase);
    }

    private static IEnumerable<ArmResource> IdentityAssignments() =>
        Templates.Main.ResourcesOfType("Microsoft.Authorization/roleAssignments").Where(IsIdentitys);

    private static bool IsIdentitys(ArmResource assignment) =>
        assignment.Raw("properties.principalId") == "[parameters('identityPrincipalId')]";

    private static string RoleOf(ArmResource assignment) =>
        RoleDefinition().Match(assignment.Raw("properties.roleDefinitionId") ?? "") is { Success: true } match
            ? match.Groups["id"].Value
            : throw new InvalidOperationException($"Role assignment {assignment.Raw("name")} names no built-in role definition.");

    [GeneratedRegex(@"^\[subscriptionResourceId\('Microsoft\.Authorization/roleDefinitions', '(?<id>[0-9a-f-]{36})'\)\]$")]
    private static partial Regex RoleDefinition();
}
