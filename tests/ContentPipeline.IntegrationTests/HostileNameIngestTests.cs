using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using ContentPipeline.Functions;
using ContentPipeline.Ingest;
using ContentPipeline.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPipeline.IntegrationTests;

/// <summary>
/// Blob names are outside input. The host hands the ingest function a client its URL already collapsed, plus the
/// delivered name; whatever they say, ingest reads, moves and deletes nothing outside the exact blob in 'incoming'.
/// </summary>
public sealed class HostileNameIngestTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private static readonly byte[] NotAnArticle = Encoding.UTF8.GetBytes("no front matter: a file that ingest would reject, move and delete");

    public static TheoryData<string, string, string> Escapes => new()
    {
        // escaped on the wire, as stored, the blob the SDK's collapsed URL would address (container/name)
        { "%2E%2E%2Ffeeds%2Fall.json", "../feeds/all.json", "feeds/all.json" },
        { "..%2F..%2Fdevstoreaccount1%2Farticle-bodies%2Fvictim.md", "../../devstoreaccount1/article-bodies/victim.md", "article-bodies/victim.md" },
        { "sub%2F..%2F..%2Frejected%2Freasons%2Fvictim.json", "sub/../../rejected/reasons/victim.json", "rejected/reasons/victim.json" },
    };

    [Theory]
    [MemberData(nameof(Escapes))]
    public async Task DotDotNames_NeverReachAnotherContainer_AndTheReasonIsRecorded(string escaped, string stored, string victimPath)
    {
        var victim = await PlantVictimAsync(victimPath);
        await RawBlobUpload.PutAsync(fixture.Incoming, escaped, NotAnArticle);
        Assert.Contains(stored, await RawBlobUpload.ListNamesAsync(fixture.Incoming));

        // As the host delivers it: the client built from the name (collapsed by System.Uri), and the name itself.
        await RunFunctionAsync(fixture.Incoming.GetBlobClient(stored), stored);

        Assert.Equal("victim", (await victim.DownloadContentAsync()).Value.Content.ToString());
        Assert.Contains(stored, await RawBlobUpload.ListNamesAsync(fixture.Incoming)); // left where it is, not lost
        var reason = await ReasonAsync("incoming", stored);
        Assert.Equal(stored, reason.GetProperty("blobName").GetString());
        var problem = Assert.Single(reason.GetProperty("problems").EnumerateArray());
        Assert.Equal("unsafe-name", problem.GetProperty("code").GetString());
        Assert.Contains("'..' path segment", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(await RawBlobUpload.ListNamesAsync(fixture.Rejected), n => n.StartsWith("files/", StringComparison.Ordinal) && n.Contains("victim", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ADotDotInsideIncoming_DoesNotTouchTheFileItCollapsesTo()
    {
        var other = $"{Guid.NewGuid():N}.txt";
        await fixture.Incoming.GetBlobClient(other).UploadAsync(BinaryData.FromBytes(NotAnArticle));
        var stored = $"sub/../{other}";
        await RawBlobUpload.PutAsync(fixture.Incoming, $"sub%2F..%2F{other}", NotAnArticle);

        await RunFunctionAsync(fixture.Incoming.GetBlobClient(stored), stored);

        Assert.True((await fixture.Incoming.GetBlobClient(other).ExistsAsync()).Value); // not rejected in its place
        Assert.False((await fixture.Rejected.GetBlobClient($"files/{other}").ExistsAsync()).Value);
        Assert.Equal("unsafe-name", (await ReasonAsync("incoming", stored)).GetProperty("problems")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task AnEventForAnotherContainer_IsRecordedAndTheBlobLeftAlone()
    {
        // The Azure host's webhook reads container and name from the event's URL and does not check the container.
        var victim = await PlantVictimAsync("feeds/index.json");

        await RunFunctionAsync(victim, name: null); // the trigger path 'incoming/{name}' does not match, so no name

        Assert.Equal("victim", (await victim.DownloadContentAsync()).Value.Content.ToString());
        var problem = (await ReasonAsync("feeds", "index.json")).GetProperty("problems")[0];
        Assert.Contains("container 'feeds'", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("line%0Abreak.txt", "line\nbreak.txt", "U+000A")]
    [InlineData("folder%2F", "folder/", "ends with")]
    [InlineData("trailing.", "trailing.", "ends with")]
    public async Task OtherUnsafeNames_AreLeftInPlace_WithTheReason(string escaped, string stored, string words)
    {
        await RawBlobUpload.PutAsync(fixture.Incoming, escaped, NotAnArticle);

        var result = await fixture.Services.GetRequiredService<IngestService>().IngestInStepAsync(stored);

        Assert.Equal(IngestOutcome.Rejected, result.Outcome);
        Assert.Contains(words, result.Problems[0].Message, StringComparison.Ordinal);
        Assert.Contains(stored, await RawBlobUpload.ListNamesAsync(fixture.Incoming));
        Assert.Equal(stored, (await ReasonAsync("incoming", stored)).GetProperty("blobName").GetString());
    }

    [Fact]
    public async Task ANameTooLongForTheRejectedArea_IsRecordedUnderAHashedName()
    {
        var stored = new string('n', BlobNames.MaxLength + 10) + ".txt";
        await fixture.Incoming.GetBlobClient(stored).UploadAsync(BinaryData.FromBytes(NotAnArticle));

        await RunFunctionAsync(fixture.Incoming.GetBlobClient(stored), stored);

        Assert.True((await fixture.Incoming.GetBlobClient(stored).ExistsAsync()).Value);
        Assert.Contains("characters long", (await ReasonAsync("incoming", stored)).GetProperty("problems")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoUnsafeNames_NeverShareAReason()
    {
        await RawBlobUpload.PutAsync(fixture.Incoming, "x%2F..%2Fa.txt", NotAnArticle);
        await RawBlobUpload.PutAsync(fixture.Incoming, "y%2F..%2Fa.txt", NotAnArticle);

        await RunFunctionAsync(fixture.Incoming.GetBlobClient("x/../a.txt"), "x/../a.txt");
        await RunFunctionAsync(fixture.Incoming.GetBlobClient("y/../a.txt"), "y/../a.txt");

        Assert.Equal("x/../a.txt", (await ReasonAsync("incoming", "x/../a.txt")).GetProperty("blobName").GetString());
        Assert.Equal("y/../a.txt", (await ReasonAsync("incoming", "y/../a.txt")).GetProperty("blobName").GetString());
    }

    private async Task<BlobClient> PlantVictimAsync(string path)
    {
        var (container, name) = (path.Split('/', 2)[0], path.Split('/', 2)[1]);
        var client = fixture.Blobs.GetBlobContainerClient(container);
        await client.CreateIfNotExistsAsync();
        var victim = client.GetBlobClient(name);
        await victim.UploadAsync(BinaryData.FromString("victim"), overwrite: true);
        return victim;
    }

    private async Task RunFunctionAsync(BlobClient blob, string? name) =>
        await ActivatorUtilities.CreateInstance<IngestArticle>(fixture.Services).RunAsync(blob, name, CancellationToken.None);

    /// <summary>The reason of an unsafe name: under a hash of container and name, never under the name.</summary>
    private async Task<JsonElement> ReasonAsync(string container, string name)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{container}/{name}")));
        var content = await fixture.Rejected.GetBlobClient($"unsafe-names/{hash}.json").DownloadContentAsync();
        return JsonDocument.Parse(content.Value.Content.ToString()).RootElement.Clone();
    }
}
