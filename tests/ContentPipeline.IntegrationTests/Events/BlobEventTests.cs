using ContentPipeline.Functions.Events;

namespace ContentPipeline.IntegrationTests.Events;

/// <summary>Reading a storage event (no storage needed): only its type and the blob's container and name, each checked.</summary>
public class BlobEventTests
{
    [Theory]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/incoming/a%20b/c.txt", "incoming", "a b/c.txt")] // Azurite: path-style
    [InlineData("https://account.blob.core.windows.net/incoming/news/x.md", "incoming", "news/x.md")]
    public void TryParse_ReadsTheTypeAndTheBlobFromDataUrl(string url, string container, string name)
    {
        var json = $$$"""{"eventType":"Microsoft.Storage.BlobDeleted","data":{"api":"DeleteBlob","url":"{{{url}}}"}}""";

        Assert.True(BlobEvent.TryParse(json, out var blobEvent, out var error), error);
        Assert.Equal(new BlobEvent(BlobEvent.BlobDeletedType, container, name), blobEvent);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("not json")]
    [InlineData("""{"data":{"url":"https://a.blob.core.windows.net/incoming/x"}}""")]
    [InlineData("""{"eventType":"Microsoft.Storage.BlobDeleted","data":{"url":42}}""")]
    [InlineData("""{"eventType":"Microsoft.Storage.BlobDeleted","data":{"url":"relative/x"}}""")]
    [InlineData("""{"eventType":"Microsoft.Storage.BlobDeleted","data":{"url":"https://a.blob.core.windows.net/incoming"}}""")]
    public void TryParse_RefusesAnythingElse_WithAReason(string json)
    {
        Assert.False(BlobEvent.TryParse(json, out var blobEvent, out var error));
        Assert.Null(blobEvent);
        Assert.False(string.IsNullOrEmpty(error));
    }
}
