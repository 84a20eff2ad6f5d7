using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContentPipeline.Articles;
using ContentPipeline.Corpus;
using ContentPipeline.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>
/// Stories through the real worker and the API's doors (every response held to openapi.json): the labelled corpus,
/// uploaded to <c>incoming</c> all at once, comes out of the API clustered with precision and recall of at least 0.9;
/// story lists show each story once; an editor's split and merge go through HTTP with the story's ETag, and a split
/// article stays split when its file is uploaded again.
/// </summary>
[Collection(ApiContractCollection.Name)]
public sealed class StoryEndToEndTests(LocalHostFixture host, ITestOutputHelper output)
{
    [Fact]
    public async Task TheLabelledCorpus_UploadedThroughIncoming_IsClusteredWithPrecisionAndRecallOfAtLeast09()
    {
        var corpus = StoryCorpus.Build();
        var files = corpus.Select(a => new ArticleText
        {
            IsPublished = true, Title = a.Title, Excerpt = a.Excerpt, Url = a.Url, Related = a.Related, Published = a.Published,
            ProviderName = a.Provider, ProviderDomain = $"{a.Provider.ToLowerInvariant().Replace(' ', '-')}.example", Category = "corpus",
        }).ToList();
        var ids = files.Select(static f => ArticleId.FromUrl(new Uri(f.Url))).ToList();

        // All at once, in the corpus' order, as an uploader's batch arrives: the host ingests many at the same moment.
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await host.Incoming.GetBlobClient($"corpus/{i:D4}.txt").UploadAsync(BinaryData.FromBytes(files[i].ToBytes()), ct));

        var stories = new string?[ids.Count];
        await Wait.UntilAsync(
            async () =>
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, ids.Count).Where(i => stories[i] is null), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
                {
                    using var response = await host.Http.GetAsync($"/api/articles/{ids[i]}", ct);
                    if (response.StatusCode == HttpStatusCode.OK
                        && (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).TryGetProperty("story", out var story))
                    {
                        stories[i] = story.GetProperty("id").GetString();
                    }
                });
                return stories.All(static s => s is not null);
            },
            "every article of the corpus is served with its story",
            TimeSpan.FromMinutes(4));

        // Stories started at the same moment are joined once their last article has looked again: read until two
        // reads agree.
        await Wait.UntilAsync(
            async () =>
            {
                var before = stories.ToArray();
                await Parallel.ForEachAsync(Enumerable.Range(0, ids.Count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
                    stories[i] = (await host.Http.GetFromJsonAsync<JsonElement>($"/api/articles/{ids[i]}", ct)).GetProperty("story").GetProperty("id").GetString());
                return before.SequenceEqual(stories);
            },
            "the stories settle");
        var (precision, recall) = StoryCorpus.Score(corpus, stories);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{corpus.Count} articles, {stories.Distinct().Count()} stories found ({corpus.Select(static a => a.Story).Distinct().Count()} labelled): precision {precision:F3}, recall {recall:F3}"));
        Assert.True(precision >= 0.9, $"precision {precision:F3}");
        Assert.True(recall >= 0.9, $"recall {recall:F3}");

        // The story list of the corpus' category shows each story once, with its sources.
        var listed = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await host.Http.GetFromJsonAsync<JsonElement>($"/api/stories?category=corpus&limit=100{(cursor is null ? string.Empty : $"&cursor={Uri.EscapeDataString(cursor)}")}");
            listed.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.TryGetProperty("cursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);
        // A story list groups the list's newest Stories:ListWindow (300) articles: the stories of those, each once.
        var window = Enumerable.Range(0, corpus.Count).OrderByDescending(i => corpus[i].Published).ThenBy(i => ids[i], StringComparer.Ordinal).Take(300).ToList();
        var listedIds = listed.Select(static s => s.GetProperty("id").GetString()).ToList();
        Assert.Equal(listedIds.Count, listedIds.Distinct().Count());
        Assert.Equal(window.Select(i => stories[i]).Distinct().Order(StringComparer.Ordinal), listedIds.Order(StringComparer.Ordinal));
        Assert.Equal(window.Count, listed.Sum(static s => s.GetProperty("articles").GetArrayLength() + 1));
        var widest = listed.MaxBy(static s => s.GetProperty("sources").GetInt32());
        Assert.True(widest.GetProperty("sources").GetInt32() >= 3);
        Assert.Equal(window.Count(i => stories[i] == widest.GetProperty("id").GetString()), widest.GetProperty("articles").GetArrayLength() + 1);
    }

    [Fact]
    public async Task AnEditorSplitsAnArticleOut_WithTheStorysETag_ItStaysSplitThroughAReupload_AndAMergeBringsItBack()
    {
        var subject = $"Brevania{Guid.NewGuid():N}"[..16];
        var files = new[] { "Alpha", "Beta", "Gamma" }.Select((provider, i) => new ArticleText
        {
            IsPublished = true, Published = DateTimeOffset.UtcNow.AddHours(i - 3), ProviderName = provider, ProviderDomain = $"{provider.ToLowerInvariant()}.example",
            Title = i == 1 ? $"Port of {subject} reopens after 41 days" : $"{subject} reopens its port after 41 days",
            Excerpt = $"Ships returned to {subject} on Friday after 41 days of closure.", Url = $"https://{provider.ToLowerInvariant()}.example/{Guid.NewGuid():N}",
        }).ToList();
        var names = files.Select(static _ => $"{Guid.NewGuid():N}.txt").ToList();
        var ids = files.Select(static f => ArticleId.FromUrl(new Uri(f.Url))).ToList();
        for (var i = 0; i < files.Count; i++)
        {
            await host.Incoming.GetBlobClient(names[i]).UploadAsync(BinaryData.FromBytes(files[i].ToBytes()));
            var id = ids[i];
            await Wait.UntilAsync(async () => await StoryOfAsync(id) is not null, "the article is served with its story");
        }

        var storyId = (await StoryOfAsync(ids[0]))!;
        var cached = (await host.Http.GetAsync($"/api/articles/{ids[0]}")).Headers.ETag!.ToString();
        Assert.All(ids, id => Assert.Equal(storyId, StoryOfAsync(id).Result));
        using var read = await SendAsync(HttpMethod.Get, $"/api/editor/stories/{storyId}");
        Assert.Equal(3, (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sources").GetInt32());
        var etag = read.Headers.ETag!.ToString();

        using var split = await SendAsync(HttpMethod.Post, $"/api/editor/stories/{storyId}/split?article={ids[2]}", etag);
        Assert.Equal(HttpStatusCode.OK, split.StatusCode);
        var own = (await split.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.NotEqual(storyId, own);
        using (var again = await SendAsync(HttpMethod.Post, $"/api/editor/stories/{storyId}/split?article={ids[1]}", etag))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, again.StatusCode); // the story changed: its old ETag is stale
        }

        // Its file uploaded again (an edit): ingested, and still where the editor put it.
        await host.Incoming.GetBlobClient(names[2]).UploadAsync(BinaryData.FromBytes((files[2] with { Body = "Updated.\n" }).ToBytes()), overwrite: true);
        await Wait.UntilAsync(async () => (await host.Http.GetFromJsonAsync<JsonElement>($"/api/articles/{ids[2]}")).TryGetProperty("body", out var body) && body.GetString() == "Updated.\n", "the new upload is ingested");
        Assert.Equal(own, await StoryOfAsync(ids[2]));

        // The first article did not change, its story did: a revalidation of it is a 200 with the new count, not a 304.
        using (var revalidation = new HttpRequestMessage(HttpMethod.Get, $"/api/articles/{ids[0]}"))
        {
            revalidation.Headers.TryAddWithoutValidation("If-None-Match", cached);
            using var fresh = await host.Http.SendAsync(revalidation);
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
            Assert.Equal(2, (await fresh.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("story").GetProperty("sources").GetInt32());
        }

        Assert.Equal(2, (await host.Http.GetFromJsonAsync<JsonElement>($"/api/stories/{storyId}")).GetProperty("articles").GetArrayLength() + 1);

        // An editor unpublishes one: readers' counts no longer count it (the lookup of another, the story), editors' do.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"/api/articles/{ids[1]}/unpublish")).StatusCode);
        Assert.Equal(1, (await host.Http.GetFromJsonAsync<JsonElement>($"/api/articles/{ids[0]}")).GetProperty("story").GetProperty("sources").GetInt32());
        Assert.Equal(1, (await host.Http.GetFromJsonAsync<JsonElement>($"/api/stories/{storyId}")).GetProperty("sources").GetInt32());
        using (var forEditors = await SendAsync(HttpMethod.Get, $"/api/editor/articles/{ids[0]}"))
        {
            Assert.Equal(2, (await forEditors.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("story").GetProperty("sources").GetInt32());
        }

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"/api/articles/{ids[1]}/publish")).StatusCode);

        using var current = await SendAsync(HttpMethod.Get, $"/api/editor/stories/{storyId}");
        using var merge = await SendAsync(HttpMethod.Post, $"/api/editor/stories/{storyId}/merge?story={own}", current.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, merge.StatusCode);
        Assert.Equal(3, (await merge.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sources").GetInt32());
        Assert.Equal(storyId, await StoryOfAsync(ids[2]));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync($"/api/stories/{own}")).StatusCode);
    }

    private async Task<string?> StoryOfAsync(string id)
    {
        using var response = await host.Http.GetAsync($"/api/articles/{id}");
        return response.StatusCode == HttpStatusCode.OK && (await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("story", out var story)
            ? story.GetProperty("id").GetString()
            : null;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("x-functions-key", LocalHostFixture.FunctionKey);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await host.Http.SendAsync(request);
    }
}
