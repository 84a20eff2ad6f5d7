using System.Text;
using System.Text.Json;
using Azure;
using ContentPipeline.Functions;
using ContentPipeline.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPipeline.IntegrationTests;

/// <summary>A pipeline configured with a 2 KiB file cap, as an operator would set <c>Ingest__MaxFileBytes</c>.</summary>
public sealed class SmallFileCapFixture : PipelineFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Ingest:MaxFileBytes", "2048"), new("Ingest:MaxHtmlLength", "1500")];
}

public sealed class IngestLimitsTests(SmallFileCapFixture fixture) : IClassFixture<SmallFileCapFixture>
{
    [Fact]
    public async Task FileOverTheCap_IsRejectedUnparsedAndKeptWhole()
    {
        var name = $"{Guid.NewGuid():N}.txt";
        var bytes = new ArticleText { Body = new string('x', 5000) }.ToBytes();
        await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(bytes));

        await ActivatorUtilities.CreateInstance<IngestArticle>(fixture.Services).RunAsync(fixture.Incoming.GetBlobClient(name), name, CancellationToken.None);

        Assert.False(await fixture.Incoming.GetBlobClient(name).ExistsAsync());
        var kept = await fixture.Rejected.GetBlobClient($"files/{name}").DownloadContentAsync();
        Assert.Equal(bytes, kept.Value.Content.ToArray());
        var reason = await fixture.Rejected.GetBlobClient($"reasons/{name}.json").DownloadContentAsync();
        using var json = JsonDocument.Parse(reason.Value.Content.ToString());
        var problem = Assert.Single(json.RootElement.GetProperty("problems").EnumerateArray());
        Assert.Equal("too-large", problem.GetProperty("code").GetString());
        Assert.Contains("2,048", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(bytes.Length, json.RootElement.GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task ABodyThatRendersOverTheHtmlCap_IsRejected_AtTheLineTheBodyStarts()
    {
        // Under the file cap, but every line of references expands: 40 short links render to far more HTML.
        var body = "[a]\n[a]\n[a]\n[a]\n[a]\n[a]\n[a]\n[a]\n[a]\n[a]\n[a]\n[a]\n[a]\n[a]\n[a]\n[a]\n[a]\n[a]\n[a]\n[a]\n\n[a]: https://example.org/a-rather-long-address-that-every-reference-repeats-in-full";
        var file = new ArticleText { Body = body };
        Assert.True(file.ToBytes().Length < 2048);
        var name = $"{Guid.NewGuid():N}.txt";
        await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes()));

        await ActivatorUtilities.CreateInstance<IngestArticle>(fixture.Services).RunAsync(fixture.Incoming.GetBlobClient(name), name, CancellationToken.None);

        var reason = await fixture.Rejected.GetBlobClient($"reasons/{name}.json").DownloadContentAsync();
        using var json = JsonDocument.Parse(reason.Value.Content.ToString());
        var problem = Assert.Single(json.RootElement.GetProperty("problems").EnumerateArray());
        Assert.Equal("too-long", problem.GetProperty("code").GetString());
        Assert.Contains("1,500", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        var bodyLine = file.Render().Split('\n').ToList().LastIndexOf("---") + 2;
        Assert.Equal(bodyLine, problem.GetProperty("line").GetInt32());
    }

    [Fact]
    public async Task FileUnderTheCap_IsIngested()
    {
        var name = $"{Guid.NewGuid():N}.txt";
        var file = new ArticleText();
        Assert.True(file.ToBytes().Length < 2048);
        await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes()));

        await ActivatorUtilities.CreateInstance<IngestArticle>(fixture.Services).RunAsync(fixture.Incoming.GetBlobClient(name), name, CancellationToken.None);

        Assert.True(await fixture.Incoming.GetBlobClient(name).ExistsAsync());
        Assert.False(await fixture.Rejected.GetBlobClient($"files/{name}").ExistsAsync());
    }
}

/// <summary>A storage failure is not bad input: it must reach the host (which retries), and nothing may be moved or lost.</summary>
public sealed class IngestStorageFailureTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task TableUnavailable_ThrowsForTheHostToRetry_AndTheRetrySucceeds()
    {
        var name = $"{Guid.NewGuid():N}.txt";
        await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(Encoding.UTF8.GetBytes(new ArticleText().Render())));
        await fixture.ArticlesTable.DeleteAsync();
        var function = ActivatorUtilities.CreateInstance<IngestArticle>(fixture.Services);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => function.RunAsync(fixture.Incoming.GetBlobClient(name), name, CancellationToken.None));

        Assert.Equal(404, error.Status);
        Assert.True(await fixture.Incoming.GetBlobClient(name).ExistsAsync());
        Assert.False(await fixture.Rejected.GetBlobClient($"files/{name}").ExistsAsync());

        await fixture.ArticlesTable.CreateIfNotExistsAsync();
        await function.RunAsync(fixture.Incoming.GetBlobClient(name), name, CancellationToken.None);
        Assert.Single(fixture.ArticlesTable.Query<Azure.Data.Tables.TableEntity>(maxPerPage: 10));
    }
}
