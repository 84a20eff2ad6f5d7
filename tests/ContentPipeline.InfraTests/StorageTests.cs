using System.Text.Json.Nodes;
using ContentPipeline.InfraTests.Infrastructure;
using ContentPipeline.Storage;

namespace ContentPipeline.InfraTests;

/// <summary>The storage account in infra/main.bicep: identity only, the code's containers and tables, feeds public.</summary>
public class StorageTests
{
    private const string ContainerType = "Microsoft.Storage/storageAccounts/blobServices/containers";

    private const string BlobServiceType = "Microsoft.Storage/storageAccounts/blobServices";

    [Fact]
    public void StorageAccount_DisallowsSharedKeyAccess()
    {
        var account = Assert.Single(Templates.Main.ResourcesOfType("Microsoft.Storage/storageAccounts"));

        Assert.False((bool?)account["properties.allowSharedKeyAccess"]);
        Assert.True((bool?)account["properties.supportsHttpsTrafficOnly"]);
        Assert.Equal("TLS1_2", account.Resolved("properties.minimumTlsVersion"));
    }

    [Fact]
    public void EveryContainerTheCodeUses_IsCreated()
    {
        var created = Containers().Select(c => c.Name).ToList();

        Assert.All(StorageNames.Containers, name => Assert.Contains(name, created));
    }

    [Fact]
    public void TheHostsContainers_AreCreatedPrivate()
    {
        var containers = Containers().ToDictionary(c => c.Name, c => c.PublicAccess);

        Assert.Equal("None", containers["azure-webjobs-hosts"]);
        Assert.Equal("None", containers["azure-webjobs-secrets"]);
    }

    [Fact]
    public void OnlyTheFeedsContainer_AllowsAnonymousReads_OfBlobsNotListings()
    {
        var account = Assert.Single(Templates.Main.ResourcesOfType("Microsoft.Storage/storageAccounts"));
        var containers = Containers().ToList();

        // The account switch only lets containers opt in; each container says whether it does.
        Assert.True((bool?)account["properties.allowBlobPublicAccess"]);
        Assert.Equal("Blob", Assert.Single(containers, c => c.Name == StorageNames.FeedsContainer).PublicAccess);
        Assert.All(containers.Where(c => c.Name != StorageNames.FeedsContainer), c => Assert.Equal("None", c.PublicAccess));
    }

    [Fact]
    public void BlobService_KeepsDeletedAndOverwrittenBlobs_ForSevenDays()
    {
        var blobService = Assert.Single(Templates.Main.ResourcesOfType(BlobServiceType));

        // Soft delete of blobs and containers, and a version for every overwrite; nobody can purge them early.
        Assert.True((bool?)blobService["properties.deleteRetentionPolicy.enabled"]);
        Assert.Equal(7, (int?)blobService["properties.deleteRetentionPolicy.days"]);
        Assert.False((bool?)blobService["properties.deleteRetentionPolicy.allowPermanentDelete"]);
        Assert.True((bool?)blobService["properties.containerDeleteRetentionPolicy.enabled"]);
        Assert.Equal(7, (int?)blobService["properties.containerDeleteRetentionPolicy.days"]);
        Assert.True((bool?)blobService["properties.isVersioningEnabled"]);
    }

    [Fact]
    public void BlobServiceCors_LetsBrowsersGetTheFeeds_AndReadTheirCachingHeaders()
    {
        var blobService = Assert.Single(Templates.Main.ResourcesOfType(BlobServiceType));
        var rule = Assert.Single(Assert.IsType<JsonArray>(blobService["properties.cors.corsRules"]));

        Assert.Equal(["*"], Strings(rule?["allowedOrigins"]));
        Assert.Equal(["GET", "HEAD"], Strings(rule?["allowedMethods"]));
        Assert.Contains("ETag", Strings(rule?["exposedHeaders"]));
        Assert.Contains("Last-Modified", Strings(rule?["exposedHeaders"]));
    }

    [Fact]
    public void EveryTableTheCodeUses_IsCreated()
    {
        var created = Templates.Main.ResourcesOfType("Microsoft.Storage/storageAccounts/tableServices/tables").SelectMany(t => t.ChildNames()).ToList();

        Assert.All(StorageNames.Tables, name => Assert.Contains(name, created));
    }

    [Fact]
    public void EveryQueueTheCodeUses_IsCreated()
    {
        var created = Templates.Main.ResourcesOfType("Microsoft.Storage/storageAccounts/queueServices/queues").SelectMany(q => q.ChildNames()).ToList();

        Assert.All(StorageNames.Queues, name => Assert.Contains(name, created));
    }

    [Fact]
    public void BlobTriggerPoisonQueue_IsCreated()
    {
        var queues = Templates.Main.ResourcesOfType("Microsoft.Storage/storageAccounts/queueServices/queues").SelectMany(q => q.ChildNames());

        // The host's name for the queue that receives blobs that failed five times.
        Assert.Contains("webjobs-blobtrigger-poison", queues);
    }

    [Fact]
    public void EventGridSystemTopic_PublishesTheStorageAccountsEvents()
    {
        var topic = Assert.Single(Templates.Main.ResourcesOfType("Microsoft.EventGrid/systemTopics"));

        Assert.Equal("Microsoft.Storage.StorageAccounts", topic.Resolved("properties.topicType"));
        Assert.Contains("Microsoft.Storage/storageAccounts", topic.Raw("properties.source"), StringComparison.Ordinal);
    }

    private static List<string?> Strings(JsonNode? array) => [.. Assert.IsType<JsonArray>(array).Select(v => (string?)v)];

    private static IEnumerable<(string Name, string? PublicAccess)> Containers() =>
        Templates.Main.ResourcesOfType(ContainerType)
            .SelectMany(c => c.ChildNames().Select(name => (name, c.Resolved("properties.publicAccess"))));
}
