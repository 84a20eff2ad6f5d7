using System.Buffers.Text;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using ContentPipeline.Functions.Articles;
using ContentPipeline.Ingest;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContentPipeline.IntegrationTests;

/// <summary>
/// A caller's input or a race never answers 500: each gets the status that fits, as problem+json, and no error
/// response may be kept by a shared cache (or carry the ETag of a success that did not happen).
/// </summary>
public sealed class ApiHardeningTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private IServiceProvider Services => fixture.Services;

    [Fact]
    public async Task Publish_WhileOtherWritersKeepChangingTheArticle_Is409WithRetryAfter_AndChangesNothing()
    {
        var id = await IngestAsync(new ArticleText { IsPublished = false });
        var before = await RawArticleAsync(id);

        // Before each of its writes reaches the table, another writer changes the article: every attempt loses.
        var contendedTables = ContendedTables(id);
        var contended = new ArticleStore(contendedTables, new ArticleIndex(contendedTables, TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new IndexOptions { CatalogInterval = TimeSpan.Zero })), fixture.Blobs, TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new RepairOptions()), NullLogger<ArticleStore>.Instance);
        var call = HttpCall.Create(Services, "POST", $"/api/articles/{id}/publish");
        var reply = await call.ExecuteAsync(await new PublishArticle(contended, TimeProvider.System, Services.GetRequiredService<ContentPipeline.Stories.StoryAssigner>()).RunAsync(call.Request, id, default));

        Assert.Equal(409, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.Equal("1", reply.Headers.RetryAfter.ToString());
        Assert.Equal("no-store", reply.Headers.CacheControl.ToString());
        Assert.Null(reply.ETag);
        var after = await RawArticleAsync(id);
        Assert.False(after.GetBoolean("Published"));
        Assert.Equal(before.GetInt64("Version"), after.GetInt64("Version"));
    }

    [Fact]
    public async Task Get_WhenTheBodyBlobIsMissing_Is503_NeverCached_WithoutETag()
    {
        var body = string.Concat(Enumerable.Repeat("A body too large for its table entity, é ü.\n", 14_000));
        var id = await IngestAsync(new ArticleText { IsPublished = true, Body = body });
        var bodyBlob = (await RawArticleAsync(id)).GetString("BodyBlob");
        Assert.NotNull(bodyBlob);
        await fixture.Blobs.GetBlobContainerClient(StorageNames.BodiesContainer).DeleteBlobAsync(bodyBlob);

        var reply = await GetAsync(id);

        Assert.Equal(503, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.Equal("no-store", reply.Headers.CacheControl.ToString());
        Assert.Null(reply.ETag);
        Assert.Equal("60", reply.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task Get_UnknownId_IsNeverCached()
    {
        var reply = await GetAsync("0123456789abcdef0123");

        Assert.Equal(404, reply.Status);
        Assert.Equal("no-store", reply.Headers.CacheControl.ToString());
        Assert.Null(reply.ETag);
    }

    [Theory]
    [InlineData("""{"scope":"published","token":"garbage"}""")]
    [InlineData("""{"scope":"published","token":"a b c"}""")]
    [InlineData("""{"scope":"published","token":"a\u0001b c\u0002d"}""")]
    [InlineData("""{"scope":"published+drafts","after":"not a row key\u0001"}""")]
    public async Task List_WithAForgedCursor_Is400AboutTheCursor_BeforeAnyQuery(string forged)
    {
        await IngestAsync(new ArticleText { IsPublished = true });
        var cursor = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(forged));
        var editor = forged.Contains("drafts", StringComparison.Ordinal);
        var call = HttpCall.Create(Services, "GET", editor ? "/api/editor/articles" : "/api/articles", $"cursor={Uri.EscapeDataString(cursor)}");
        var function = ActivatorUtilities.CreateInstance<ListArticles>(Services);

        var reply = await call.ExecuteAsync(editor ? await function.ListEditorArticles(call.Request, default) : await function.RunAsync(call.Request, default));

        Assert.Equal(400, reply.Status);
        Assert.Equal("cursor", reply.Json.GetProperty("parameter").GetString());
        Assert.Equal("no-store", reply.Headers.CacheControl.ToString());
    }

    [Fact]
    public async Task List_WhenTheServiceRefusesToContinue_Is400AboutTheCursor()
    {
        var topic = $"t{Guid.NewGuid():N}";
        await IngestAsync(new ArticleText { IsPublished = true, Topics = [topic] });
        await IngestAsync(new ArticleText { IsPublished = true, Topics = [topic] });
        var functions = ActivatorUtilities.CreateInstance<ListArticles>(Services);
        var first = HttpCall.Create(Services, "GET", "/api/articles", $"topic={topic}&limit=1");
        var cursor = (await first.ExecuteAsync(await functions.RunAsync(first.Request, default))).Json.GetProperty("cursor").GetString()!;

        // A service that cannot continue from the token: every continued query is answered 400 by Azurite itself.
        var refusing = new ListArticles(new ArticleQueries(new ArticleIndex(RefusingContinuations(), TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new IndexOptions { CatalogInterval = TimeSpan.Zero })), TimeProvider.System));
        var next = HttpCall.Create(Services, "GET", "/api/articles", $"topic={topic}&limit=1&cursor={Uri.EscapeDataString(cursor)}");
        var reply = await next.ExecuteAsync(await refusing.RunAsync(next.Request, default));

        Assert.Equal(400, reply.Status);
        Assert.Equal("cursor", reply.Json.GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task Json_EscapesAngleBracketsAndAmpersands_SoAResponseIsSafeToEmbedInAPage()
    {
        var id = await IngestAsync(new ArticleText { IsPublished = true, Title = "</script><script>alert(1)</script> & co", Body = "<img src=x onerror=alert(1)>" });

        var reply = await GetAsync(id);

        Assert.Equal(200, reply.Status);
        Assert.DoesNotContain('<', reply.Body);
        Assert.DoesNotContain('>', reply.Body);
        Assert.Contains("\\u003C/script\\u003E", reply.Body, StringComparison.Ordinal);
        Assert.Equal("</script><script>alert(1)</script> & co", reply.Json.GetProperty("title").GetString());
    }

    private TableServiceClient ContendedTables(string id)
    {
        var options = new TableClientOptions();
        options.AddPolicy(new ConcurrentWriter(new TableServiceClient(fixture.Azurite.ConnectionString).GetTableClient(StorageNames.ArticlesTable), id), HttpPipelinePosition.PerCall);
        return new TableServiceClient(fixture.Azurite.ConnectionString, options);
    }

    /// <summary>Tables whose service refuses every continued query (sent to a table name Azurite answers 400 for).</summary>
    private TableServiceClient RefusingContinuations()
    {
        var options = new TableClientOptions();
        options.AddPolicy(new RefuseContinuations(), HttpPipelinePosition.PerCall);
        return new TableServiceClient(fixture.Azurite.ConnectionString, options);
    }

    private async Task<string> IngestAsync(ArticleText file)
    {
        var name = $"{Guid.NewGuid():N}.txt";
        await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        var result = await Services.GetRequiredService<IngestService>().IngestInStepAsync(name);
        Assert.True(result.Outcome == IngestOutcome.Created, string.Join("; ", result.Problems));
        return result.ArticleId!;
    }

    private async Task<HttpReply> GetAsync(string id)
    {
        var call = HttpCall.Create(Services, "GET", $"/api/articles/{id}");
        return await call.ExecuteAsync(await ActivatorUtilities.CreateInstance<GetArticle>(Services).RunAsync(call.Request, id, default));
    }

    private async Task<TableEntity> RawArticleAsync(string id) =>
        (await fixture.ArticlesTable.GetEntityAsync<TableEntity>(id, StorageNames.ArticleRowKey)).Value;

    private sealed class RefuseContinuations : HttpPipelinePolicy
    {
        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (message.Request.Uri.Query.Contains("NextPartitionKey", StringComparison.Ordinal))
            {
                message.Request.Uri.Path = message.Request.Uri.Path.Replace($"/{StorageNames.IndexTable}()", "/ab()", StringComparison.Ordinal);
            }

            return ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("The queries are asynchronous.");
    }

    /// <summary>Just before each write to one article's entity, another writer changes that entity (a real race, every time).</summary>
    private sealed class ConcurrentWriter(TableClient articles, string id) : HttpPipelinePolicy
    {
        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (message.Request.Method != RequestMethod.Get && Uri.UnescapeDataString(message.Request.Uri.Path).Contains($"(PartitionKey='{id}'", StringComparison.Ordinal))
            {
                await articles.UpdateEntityAsync(new TableEntity(id, StorageNames.ArticleRowKey) { ["Contender"] = Guid.NewGuid().ToString() }, Azure.ETag.All, TableUpdateMode.Merge);
            }

            await ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("The store is asynchronous.");
    }
}
