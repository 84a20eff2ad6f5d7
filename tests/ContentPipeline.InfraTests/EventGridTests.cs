using ContentPipeline.InfraTests.Infrastructure;
using ContentPipeline.Storage;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.InfraTests;

/// <summary>
/// The Event Grid subscription that the post-deploy hook creates (infra/events/ingest-subscription.bicep) delivers
/// exactly the events the Event Grid blob trigger needs: finished writes in its container, to its webhook.
/// </summary>
public class EventGridTests
{
    /// <summary>Where Event Grid writes the ingest events it could not deliver. Only the templates use it (no code constant).</summary>
    internal const string DeadLetterContainer = "eventgrid-deadletter";

    [Fact]
    public void IngestTrigger_UsesTheEventGridSource_OnTheIncomingContainer()
    {
        var (_, trigger) = Assert.Single(AppCode.BlobTriggers());

        Assert.Equal(BlobTriggerSource.EventGrid, trigger.Source);
        Assert.Equal(StorageNames.IncomingContainer, ContainerOf(trigger));
    }

    [Fact]
    public void Subscription_FiltersToBlobCreated_InTheTriggersContainer()
    {
        var (_, trigger) = Assert.Single(AppCode.BlobTriggers());
        var subscription = Subscription();

        Assert.Equal(["Microsoft.Storage.BlobCreated"], StringArray(subscription, "properties.filter.includedEventTypes"));
        Assert.Equal($"/blobServices/default/containers/{ContainerOf(trigger)}/", subscription.Resolved("properties.filter.subjectBeginsWith"));
    }

    [Fact]
    public void Subscription_PassesExactlyTheFourFinishedWriteApis()
    {
        var filter = Assert.Single(Assert.IsType<System.Text.Json.Nodes.JsonArray>(Subscription()["properties.filter.advancedFilters"]));

        Assert.Equal("StringIn", (string?)filter?["operatorType"]);
        Assert.Equal("data.api", (string?)filter?["key"]);
        var apis = Assert.IsType<System.Text.Json.Nodes.JsonArray>(filter?["values"]).Select(v => (string?)v).ToList();
        Assert.Equal(4, apis.Count);
        Assert.Equal(["CopyBlob", "FlushWithClose", "PutBlob", "PutBlockList"], apis.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Subscription_PostsToTheBlobsExtensionWebhook_OfTheIngestFunction()
    {
        var (function, _) = Assert.Single(AppCode.BlobTriggers());
        var subscription = Subscription();

        Assert.Equal("WebHook", subscription.Resolved("properties.destination.endpointType"));
        var url = subscription.Raw("properties.destination.properties.endpointUrl");
        Assert.StartsWith("[format('https://{0}/runtime/webhooks/blobs?", url, StringComparison.Ordinal);
        Assert.Contains($"?functionName=Host.Functions.{function}&code={{1}}'", url, StringComparison.Ordinal);
        Assert.EndsWith(", parameters('functionAppHostName'), parameters('blobsExtensionKey'))]", url, StringComparison.Ordinal);
    }

    [Fact]
    public void Subscription_TakesTheSystemKey_AsASecureParameter()
    {
        Assert.Equal("securestring", (string?)Templates.IngestSubscription.Parameters["blobsExtensionKey"]?["type"]);
        Assert.DoesNotContain("listKeys(", Templates.IngestSubscriptionJson, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Templates.IngestSubscription.Outputs);
    }

    [Fact]
    public void Subscription_RetriesForADay_BecauseIngestIsIdempotent()
    {
        var subscription = Subscription();

        Assert.Equal(1440, (int?)subscription["properties.retryPolicy.eventTimeToLiveInMinutes"]);
        Assert.Equal(1, (int?)subscription["properties.destination.properties.maxEventsPerBatch"]);
    }

    [Fact]
    public void Subscription_DeadLettersToTheDeadLetterContainer_WithTheSystemTopicsIdentity()
    {
        var subscription = Subscription();

        Assert.Equal("SystemAssigned", subscription.Resolved("properties.deadLetterWithResourceIdentity.identity.type"));
        Assert.Equal("StorageBlob", subscription.Resolved("properties.deadLetterWithResourceIdentity.deadLetterDestination.endpointType"));
        Assert.Equal("[resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))]",
            subscription.Raw("properties.deadLetterWithResourceIdentity.deadLetterDestination.properties.resourceId"));
        Assert.Equal(DeadLetterContainer, subscription.Resolved("properties.deadLetterWithResourceIdentity.deadLetterDestination.properties.blobContainerName"));
        // Not the form that would need a key or SAS to write.
        Assert.Null(subscription["properties.deadLetterDestination"]);
    }

    [Fact]
    public void DeadLetterContainer_IsCreatedPrivate_AndTheSystemTopicHasItsOwnIdentity()
    {
        var snapshot = Templates.MainWithDefaults;
        var container = Assert.Single(snapshot.ResourcesOfType("Microsoft.Storage/storageAccounts/blobServices/containers"),
            c => c.Id.EndsWith($"/containers/{DeadLetterContainer}", StringComparison.Ordinal));
        var topic = Assert.Single(snapshot.ResourcesOfType("Microsoft.EventGrid/systemTopics"));

        Assert.Equal("None", container.Text("properties.publicAccess"));
        Assert.Equal("SystemAssigned", topic.Text("identity.type"));
    }

    [Fact]
    public void DeletionSubscription_PostsBlobDeletedOfTheIncomingContainer_ToTheEventGridWebhook_OfTheDeletionFunction()
    {
        var (function, _) = Assert.Single(AppCode.Bindings(), b => b.Binding is ContentPipeline.Functions.Events.EventGridTriggerAttribute);
        var subscription = DeletionSubscription();

        Assert.Equal(["Microsoft.Storage.BlobDeleted"], StringArray(subscription, "properties.filter.includedEventTypes"));
        Assert.Equal($"/blobServices/default/containers/{StorageNames.IncomingContainer}/", subscription.Resolved("properties.filter.subjectBeginsWith"));
        var url = subscription.Raw("properties.destination.properties.endpointUrl");
        Assert.StartsWith("[format('https://{0}/runtime/webhooks/EventGrid?", url, StringComparison.Ordinal);
        Assert.Contains($"?functionName={function}&code={{1}}'", url, StringComparison.Ordinal);
        Assert.EndsWith(", parameters('functionAppHostName'), parameters('eventGridExtensionKey'))]", url, StringComparison.Ordinal);
        Assert.Equal("securestring", (string?)Templates.DeletionSubscription.Parameters["eventGridExtensionKey"]?["type"]);
        Assert.Empty(Templates.DeletionSubscription.Outputs);
    }

    [Fact]
    public void DeletionSubscription_RetriesAndDeadLetters_AsIngestsDoes()
    {
        var deletion = DeletionSubscription();
        var ingest = Subscription();

        foreach (var path in new[]
        {
            "properties.retryPolicy.eventTimeToLiveInMinutes", "properties.retryPolicy.maxDeliveryAttempts", "properties.destination.properties.maxEventsPerBatch",
            "properties.deadLetterWithResourceIdentity.identity.type", "properties.deadLetterWithResourceIdentity.deadLetterDestination.endpointType",
            "properties.deadLetterWithResourceIdentity.deadLetterDestination.properties.resourceId",
            "properties.deadLetterWithResourceIdentity.deadLetterDestination.properties.blobContainerName",
        })
        {
            Assert.NotNull(ingest[path]);
            Assert.Equal(ingest[path]!.ToJsonString(), deletion[path]?.ToJsonString());
        }

        Assert.Equal(DeadLetterContainer, deletion.Resolved("properties.deadLetterWithResourceIdentity.deadLetterDestination.properties.blobContainerName"));
    }

    private static ArmResource DeletionSubscription() =>
        Assert.Single(Templates.DeletionSubscription.ResourcesOfType("Microsoft.EventGrid/systemTopics/eventSubscriptions"));

    private static ArmResource Subscription() =>
        Assert.Single(Templates.IngestSubscription.ResourcesOfType("Microsoft.EventGrid/systemTopics/eventSubscriptions"));

    private static string ContainerOf(BlobTriggerAttribute trigger) => trigger.BlobPath.Split('/')[0];

    private static List<string?> StringArray(ArmResource resource, string path) =>
        [.. Assert.IsType<System.Text.Json.Nodes.JsonArray>(resource[path]).Select(v => (string?)v)];
}
