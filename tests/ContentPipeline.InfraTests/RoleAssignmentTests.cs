using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ContentPipeline.InfraTests.Infrastructure;
using ContentPipeline.Storage;

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
        var user = Assert.Single(Assignments(), a => a.Raw("properties.principalId") == "[parameters('userPrincipalId')]");

        Assert.Equal(StorageBlobDataContributor, RoleOf(user));
    }

    [Fact]
    public void RoleAssignments_GoToTheAppIdentity_TheDeployingUser_TheUploader_AndTheSystemTopic_Only()
    {
        var principals = Assignments().Select(a => a.Raw("properties.principalId") ?? "").Order(StringComparer.Ordinal);

        // Four for the app's identity (above), one each for the others.
        string[] expected =
        [
            .. Enumerable.Repeat("[parameters('identityPrincipalId')]", 4),
            "[parameters('userPrincipalId')]",
            "[parameters('uploaderPrincipalId')]",
            "[parameters('systemTopicPrincipalId')]",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), principals);
    }

    [Fact]
    public void Uploader_MayReadAndWriteBlobs_InTheIncomingContainerOnly()
    {
        var snapshot = Templates.MainConfigured;
        var incoming = Container(snapshot, StorageNames.IncomingContainer);

        var uploader = Assert.Single(Assignments(snapshot), a => a.Text("properties.principalId") == Templates.Configured.UploaderPrincipalId);

        Assert.Equal(incoming.Id, uploader.RoleAssignmentScope);
        Assert.Equal(StorageBlobDataContributor, uploader.RoleDefinitionGuid);
        Assert.Equal(Templates.Configured.UploaderPrincipalType, uploader.Text("properties.principalType"));
        // Named by a guid of container, principal and role: provisioning again updates it instead of adding another.
        Assert.True(Guid.TryParse(uploader.Text("name"), out _), uploader.Text("name"));
        Assert.Equal(4, Assignments(snapshot).Count(a => a.Text("properties.principalId")?.Contains("userAssignedIdentities", StringComparison.Ordinal) == true));
    }

    [Fact]
    public void Uploader_WhenNoneIsSet_GetsNoRole()
    {
        var snapshot = Templates.MainWithDefaults;
        var incoming = Container(snapshot, StorageNames.IncomingContainer);

        Assert.Equal("", (string?)Templates.Main.Parameters["uploaderPrincipalId"]?["defaultValue"]);
        Assert.DoesNotContain(Assignments(snapshot), a => a.RoleAssignmentScope == incoming.Id);
    }

    [Fact]
    public void UploaderPrincipalType_IsAUser_AGroup_OrAServicePrincipal()
    {
        var parameter = Templates.Main.Parameters["uploaderPrincipalType"];

        Assert.Equal("ServicePrincipal", (string?)parameter?["defaultValue"]);
        Assert.Equal(["Group", "ServicePrincipal", "User"], Assert.IsType<JsonArray>(parameter?["allowedValues"]).Select(v => (string?)v).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SystemTopicIdentity_MayWriteToTheDeadLetterContainerOnly()
    {
        var snapshot = Templates.MainWithDefaults;
        var topic = Assert.Single(snapshot.ResourcesOfType("Microsoft.EventGrid/systemTopics"));
        var deadLetters = Container(snapshot, EventGridTests.DeadLetterContainer);

        // The topic's principal id exists only once it is deployed: the snapshot keeps it as a reference to the topic.
        var assignment = Assert.Single(Assignments(snapshot), a =>
            a.Text("properties.principalId") is { } principal
                && principal.StartsWith($"[reference('{topic.Id}',", StringComparison.Ordinal)
                && principal.EndsWith(".identity.principalId]", StringComparison.Ordinal));

        Assert.Equal(deadLetters.Id, assignment.RoleAssignmentScope);
        Assert.Equal(StorageBlobDataContributor, assignment.RoleDefinitionGuid);
        Assert.Equal("ServicePrincipal", assignment.Text("properties.principalType"));
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

    private const string RoleAssignmentType = "Microsoft.Authorization/roleAssignments";

    private static IEnumerable<ArmResource> Assignments() => Templates.Main.ResourcesOfType(RoleAssignmentType);

    private static IEnumerable<PredictedResource> Assignments(DeploymentSnapshot snapshot) => snapshot.ResourcesOfType(RoleAssignmentType);

    private static PredictedResource Container(DeploymentSnapshot snapshot, string name) =>
        Assert.Single(snapshot.ResourcesOfType("Microsoft.Storage/storageAccounts/blobServices/containers"), c => c.Id.EndsWith($"/containers/{name}", StringComparison.Ordinal));

    private static IEnumerable<ArmResource> IdentityAssignments() => Assignments().Where(IsIdentitys);

    private static bool IsIdentitys(ArmResource assignment) =>
        assignment.Raw("properties.principalId") == "[parameters('identityPrincipalId')]";

    private static string RoleOf(ArmResource assignment) =>
        RoleDefinition().Match(assignment.Raw("properties.roleDefinitionId") ?? "") is { Success: true } match
            ? match.Groups["id"].Value
            : throw new InvalidOperationException($"Role assignment {assignment.Raw("name")} names no built-in role definition.");

    [GeneratedRegex(@"^\[subscriptionResourceId\('Microsoft\.Authorization/roleDefinitions', '(?<id>[0-9a-f-]{36})'\)\]$")]
    private static partial Regex RoleDefinition();
}
