using System.Net;
using ContentPipeline.Articles;
using ContentPipeline.IntegrationTests.Contract;
using ContentPipeline.IntegrationTests.Generated;
using ContentPipeline.IntegrationTests.Infrastructure;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>
/// A C# client generated from openapi.json by NSwag at build time (as a web client's developer would generate one)
/// works against the running pipeline: a list page and the next, a lookup, a publish and its precondition.
/// </summary>
[Collection(ApiContractCollection.Name)]
public sealed class GeneratedClientTests(LocalHostFixture host)
{
    [Fact]
    public async Task AGeneratedClient_ListsPages_LooksUp_AndPublishes()
    {
        var category = $"client{Guid.NewGuid():N}"[..16];
        var files = Enumerable.Range(1, 3).Select(i => new ArticleText { IsPublished = true, Category = category, Title = $"Story {i}", Published = new DateTimeOffset(2025, 1, i, 8, 0, 0, TimeSpan.Zero) }).ToList();
        var draft = new ArticleText { Category = category, Title = "Still a draft" };
        foreach (var file in files.Append(draft))
        {
            await host.Incoming.GetBlobClient($"{Guid.NewGuid():N}.txt").UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        }

        using var anonymousHttp = ClientHttp(key: null);
        using var editorHttp = ClientHttp(LocalHostFixture.FunctionKey);
        var reader = new ContentPipelineClient(anonymousHttp);
        var editor = new ContentPipelineClient(editorHttp);
        var draftId = ArticleId.FromUrl(new Uri(draft.Url));
        await Wait.UntilAsync(
            async () => (await reader.ListArticlesAsync(category, null, null, null, 100, null)).Items.Count == 3
                && await ExistsForEditorAsync(editor, draftId),
            "the four articles are ingested",
            TimeSpan.FromSeconds(90)); // the shared host may still be busy with the collection's corpus of stories

        var first = await reader.ListArticlesAsync(category, null, null, null, 2, null);
        var second = await reader.ListArticlesAsync(category, null, null, null, 2, first.Cursor);
        var hot = await reader.ListArticlesAsync(category, null, null, Order.Hot, 100, null);
        var article = await reader.GetArticleAsync(ArticleId.FromUrl(new Uri(files[0].Url)), null);
        var hidden = await Assert.ThrowsAsync<ApiException<Problem>>(() => reader.GetArticleAsync(draftId, null));
        var stale = await Assert.ThrowsAsync<ApiException<Problem>>(() => editor.PublishArticleAsync(draftId, null, "\"999\""));
        var toggle = await editor.PublishArticleAsync(draftId, null, null);
        var nowPublic = await reader.GetArticleAsync(draftId, null);

        Assert.Equal(["Story 3", "Story 2"], first.Items.Select(i => i.Title));
        Assert.Equal(3, hot.Items.Count); // the same list, ranked (equal heat and quality: newest first)
        Assert.Equal(["Story 1"], second.Items.Select(i => i.Title));
        Assert.Null(second.Cursor);
        Assert.Equal("Story 1", article.Title);
        Assert.Equal(category, article.Category);
        Assert.Equal(404, hidden.StatusCode);
        Assert.Equal(412, stale.StatusCode);
        Assert.Equal("The article has changed", stale.Result.Title);
        Assert.True(toggle.Published);
        Assert.True(toggle.Changed);
        Assert.Equal(toggle.Version, nowPublic.Version);
        Assert.Equal("Still a draft", nowPublic.Title);
    }

    private static async Task<bool> ExistsForEditorAsync(ContentPipelineClient editor, string id)
    {
        try
        {
            await editor.GetEditorArticleAsync(id, null);
            return true;
        }
        catch (ApiException e) when (e.StatusCode == (int)HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>The generated client's HTTP: paths relative to the document's server URL, responses checked against it too.</summary>
    private HttpClient ClientHttp(string? key)
    {
        var http = new HttpClient(new ContractCheckingHandler(ApiContract.Instance)) { BaseAddress = new Uri(host.BaseUrl, ApiContract.Instance.BasePath.TrimStart('/') + "/") };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Add("x-functions-key", key);
        }

        return http;
    }
}
