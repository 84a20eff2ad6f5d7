using System.Reflection;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ContentPipeline.Functions;
using ContentPipeline.Functions.Articles;
using ContentPipeline.Ingest;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPipeline.IntegrationTests;

/// <summary>The HTTP functions, called through their classes with real ASP.NET Core requests, against Azurite.</summary>
public sealed class ArticleApiTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private IServiceProvider Services => fixture.Services;

    private ApiCalls Api => new(Services);

    [Fact]
    public async Task Get_PublishedArticle_ReturnsEveryFieldButSecured_WithETag()
    {
        var file = new ArticleText { IsPublished = true, Body = "# Body\n\nText.\n" };
        var id = await IngestAsync(file, extraFrontMatter: "customField: 42\nreviewer: { name: Ada }\n");

        var reply = await GetAsync(id);

        Assert.Equal(200, reply.Status);
        Assert.StartsWith("application/json", reply.ContentType);
        Assert.Matches("^\"1-[0-9a-f]{8}\"$", reply.ETag); // its version, and a digest of its story
        Assert.Equal("public, no-cache", reply.Headers.CacheControl.ToString());
        var json = reply.Json;
        Assert.Equal(id, json.GetProperty("id").GetString());
        Assert.Equal("A headline", json.GetProperty("title").GetString());
        Assert.Equal("2024-05-01T12:00:00+00:00", json.GetProperty("publishedDateTime").GetString());
        Assert.Equal("# Body\n\nText.\n", json.GetProperty("body").GetString());
        Assert.Equal("<h1>Body</h1>\n<p>Text.</p>", json.GetProperty("html").GetString());
        Assert.Equal(42, json.GetProperty("extensions").GetProperty("customField").GetInt32());
        Assert.Equal("Ada", json.GetProperty("extensions").GetProperty("reviewer").GetProperty("name").GetString());
        Assert.Equal(1200, json.GetProperty("images")[0].GetProperty("width").GetInt32());
        Assert.Equal("example.org", json.GetProperty("provider").GetProperty("domain").GetString());
        Assert.True(json.GetProperty("published").GetBoolean());
        Assert.False(json.TryGetProperty("secured", out _));
        Assert.DoesNotContain("c2VjcmV0", reply.Body, StringComparison.Ordinal);

        // The service's fields, written beside the article's in the same object (once each).
        Assert.Equal("published", json.GetProperty("state").GetString());
        Assert.Equal(1, json.GetProperty("version").GetInt64());
        var stored = (await Services.GetRequiredService<ArticleStore>().GetAsync(id, includeBody: false, default))!;
        Assert.Equal(stored.CreatedAt, json.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(stored.UpdatedAt, json.GetProperty("updatedAt").GetDateTimeOffset());
        Assert.Equal(stored.PublishedChangedAt, json.GetProperty("publishedChangedAt").GetDateTimeOffset());
        var names = json.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.False(json.TryGetProperty("publishedSetBy", out _)); // editors' field
    }

    [Fact]
    public async Task Get_ServesAHostileBodyAsSanitisedHtml_AndTheMarkdownAsWritten()
    {
        const string body = "Hello <script>alert(1)</script> [x](javascript:alert(1)) ![i](data:image/png;base64,AAAA) <img src=x onerror=alert(1)>\n";
        var id = await IngestAsync(new ArticleText { IsPublished = true, Body = body });

        var json = (await GetAsync(id)).Json;

        Assert.Equal(body, json.GetProperty("body").GetString());
        var html = json.GetProperty("html").GetString()!;
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal); // the raw HTML shows as text
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("data:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img src=\"x\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_Draft_Is404ForAnonymousCallers_AndVisibleWithSecuredToEditors()
    {
        var id = await IngestAsync(new ArticleText { IsPublished = false });

        var anonymous = await GetAsync(id);
        var editor = await CallAsync(HttpCall.Create(Services, "GET", $"/api/editor/articles/{id}"), (GetArticle f, HttpRequest r) => f.GetEditorArticle(r, id, default));

        Assert.Equal(404, anonymous.Status);
        Assert.Equal("application/problem+json", anonymous.ContentType);
        Assert.Equal(404, anonymous.Json.GetProperty("status").GetInt32());
        Assert.Equal(200, editor.Status);
        Assert.Equal("c2VjcmV0+/==;aXY=", editor.Json.GetProperty("secured").GetString());
        Assert.Equal("upload", editor.Json.GetProperty("publishedSetBy").GetString());
        Assert.Equal("private, no-store", editor.Headers.CacheControl.ToString());
    }

    [Fact]
    public async Task Get_UnknownId_Is404Problem()
    {
        var reply = await GetAsync("0123456789abcdef0123");

        Assert.Equal(404, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.Contains("0123456789abcdef0123", reply.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("abc#def")]
    [InlineData("abc?def")]
    [InlineData("abc\u0001def")]
    [InlineData("0123456789ABCDEF0123")]
    [InlineData("0123456789abcdef01234")]
    public async Task Get_MalformedId_Is400NamingTheParameter_BeforeAnyStorageCall(string id)
    {
        var reply = await GetAsync(id + new string('0', 1100 * (id.Length > 20 ? 1 : 0)));

        Assert.Equal(400, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.Equal("id", reply.Json.GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task ARevalidation_WithACurrentETag_OfAnArticleReadersMayNotSee_Is404_NotA304()
    {
        var expiring = await IngestAsync(new ArticleText { IsPublished = true, ExpiresAt = fixture.Clock.GetUtcNow().AddMinutes(30) });
        var draft = await IngestAsync(new ArticleText { IsPublished = false });
        var cached = await GetAsync(expiring);
        fixture.Clock.Advance(TimeSpan.FromMinutes(31)); // expired by the clock alone: same version, same ETag

        var expired = await CallAsync(HttpCall.Create(Services, "GET", $"/api/articles/{expiring}").WithHeader("If-None-Match", cached.ETag!), (GetArticle f, HttpRequest r) => f.RunAsync(r, expiring, default));
        var editorsTag = (await CallAsync(HttpCall.Create(Services, "GET", $"/api/editor/articles/{draft}"), (GetArticle f, HttpRequest r) => f.GetEditorArticle(r, draft, default))).ETag!;
        var anonymousDraft = await CallAsync(HttpCall.Create(Services, "GET", $"/api/articles/{draft}").WithHeader("If-None-Match", editorsTag), (GetArticle f, HttpRequest r) => f.RunAsync(r, draft, default));
        var editorsDraft = await CallAsync(HttpCall.Create(Services, "GET", $"/api/editor/articles/{draft}").WithHeader("If-None-Match", editorsTag), (GetArticle f, HttpRequest r) => f.GetEditorArticle(r, draft, default));

        Assert.Equal(200, cached.Status);
        Assert.Equal(404, expired.Status);
        Assert.Equal(404, anonymousDraft.Status);
        Assert.Equal(304, editorsDraft.Status);
        Assert.Equal(editorsTag, editorsDraft.ETag);
        Assert.Equal("private, no-store", editorsDraft.Headers.CacheControl.ToString());
    }

    [Fact]
    public async Task Get_WithCurrentETag_Is304_AndAfterAChange_Is200WithTheNewETag()
    {
        var id = await IngestAsync(new ArticleText { IsPublished = true });
        var first = await GetAsync(id);

        var notModified = await CallAsync(HttpCall.Create(Services, "GET", $"/api/articles/{id}").WithHeader("If-None-Match", first.ETag!), (GetArticle f, HttpRequest r) => f.RunAsync(r, id, default));
        await fixture.Services.GetRequiredService<ArticleStore>().SetPublishedAsync(id, true, null, default); // no change: same ETag
        var stillNotModified = await CallAsync(HttpCall.Create(Services, "GET", $"/api/articles/{id}").WithHeader("If-None-Match", $"W/{first.ETag}"), (GetArticle f, HttpRequest r) => f.RunAsync(r, id, default));
        await UploadAndIngestAsync(new ArticleText { IsPublished = true, Url = ArticleUrl(id), Title = "Changed" });
        var changed = await CallAsync(HttpCall.Create(Services, "GET", $"/api/articles/{id}").WithHeader("If-None-Match", first.ETag!), (GetArticle f, HttpRequest r) => f.RunAsync(r, id, default));

        Assert.Equal(304, notModified.Status);
        Assert.Equal(string.Empty, notModified.Body);
        Assert.Equal(first.ETag, notModified.ETag);
        Assert.Equal(304, stillNotModified.Status);
        Assert.Equal(200, changed.Status);
        Assert.StartsWith("\"2-", changed.ETag, StringComparison.Ordinal);
        Assert.Equal("Changed", changed.Json.GetProperty("title").GetString());
    }

    [Fact]
    public async Task List_PagesThroughMoreThanOnePage_NewestFirst_LastPageWithoutCursor()
    {
        var category = $"paging{Guid.NewGuid():N}"[..20];
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await IngestAsync(new ArticleText { IsPublished = true, Category = category, Published = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(i) }));
        }

        await IngestAsync(new ArticleText { IsPublished = false, Category = category });
        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var reply = await ListAsync($"category={category}&limit=2" + (cursor is null ? string.Empty : $"&cursor={Uri.EscapeDataString(cursor)}"));
            Assert.Equal(200, reply.Status);
            var items = reply.Json.GetProperty("items").EnumerateArray().ToList();
            Assert.True(items.Count <= 2);
            seen.AddRange(items.Select(i => i.GetProperty("id").GetString()!));
            Assert.All(items, i => Assert.False(i.TryGetProperty("secured", out _)));
            cursor = reply.Json.TryGetProperty("cursor", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.True(pages >= 3);
        Assert.Null(cursor);
        Assert.Equal(Enumerable.Reverse(ids), seen); // newest first, every published one exactly once, no draft
    }

    [Theory]
    [InlineData("category=a&topic=b", "topic")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("catgory=news", "catgory")]
    [InlineData("category=", "category")]
    [InlineData("category=%3F%21", "category")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("limit=1&limit=2", "limit")]
    [InlineData("code=key&limt=2", "limt")]
    public async Task List_BadParameter_Is400NamingIt(string query, string parameter)
    {
        var reply = await ListAsync(query);

        Assert.Equal(400, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.Equal(parameter, reply.Json.GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task List_CursorFromAnotherList_Is400()
    {
        var topic = $"t{Guid.NewGuid():N}";
        await IngestAsync(new ArticleText { IsPublished = true, Topics = [topic] });
        await IngestAsync(new ArticleText { IsPublished = true, Topics = [topic] });
        var first = await ListAsync($"topic={topic}&limit=1");
        var cursor = first.Json.GetProperty("cursor").GetString()!;

        var reply = await ListAsync($"category=news&cursor={Uri.EscapeDataString(cursor)}");

        Assert.Equal(400, reply.Status);
        Assert.Equal("cursor", reply.Json.GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task List_AnonymousAskingForDrafts_Is401WithAHint()
    {
        var reply = await ListAsync("status=draft");

        Assert.Equal(401, reply.Status);
        Assert.Contains("editor/articles", reply.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ByTopicAndByProvider_ReadTheirOwnIndex()
    {
        var topic = $"Topic {Guid.NewGuid():N}";
        var domain = $"{Guid.NewGuid():N}.example";
        var a = await IngestAsync(new ArticleText { IsPublished = true, Topics = [topic], ProviderDomain = domain });
        var b = await IngestAsync(new ArticleText { IsPublished = true, Topics = ["Other"], ProviderDomain = domain });
        await IngestAsync(new ArticleText { IsPublished = false, Topics = [topic], ProviderDomain = domain });

        var byTopic = await ListAsync($"topic={Uri.EscapeDataString(topic.ToUpperInvariant())}");
        var byProvider = await ListAsync($"provider={domain}");

        Assert.Equal([a], byTopic.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.Equal(new[] { a, b }.Order(StringComparer.Ordinal), byProvider.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EditorList_DraftsAndAll_MergeNewestFirstAcrossPages()
    {
        var draft = await IngestAsync(new ArticleText { IsPublished = false, Published = new DateTimeOffset(2030, 1, 3, 0, 0, 0, TimeSpan.Zero) });
        var published = await IngestAsync(new ArticleText { IsPublished = true, Published = new DateTimeOffset(2030, 1, 2, 0, 0, 0, TimeSpan.Zero) });
        var draft2 = await IngestAsync(new ArticleText { IsPublished = false, Published = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) });

        var drafts = await EditorListAsync("status=draft&limit=100");
        var all = new List<string>();
        string? cursor = null;
        do
        {
            var page = await EditorListAsync("limit=1" + (cursor is null ? string.Empty : $"&cursor={Uri.EscapeDataString(cursor)}"));
            Assert.Equal(200, page.Status);
            all.AddRange(page.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            cursor = page.Json.TryGetProperty("cursor", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        }
        while (cursor is not null && all.Count < 1000);

        var draftIds = drafts.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToList();
        Assert.Contains(draft, draftIds);
        Assert.DoesNotContain(published, draftIds);
        Assert.Equal([draft, published, draft2], all.Take(3)); // the three newest of the whole table, in order
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Fact]
    public async Task Publish_MovesTheArticleIntoThePublishedLists_AndUnpublishTakesItOut()
    {
        var category = $"c{Guid.NewGuid():N}";
        var id = await IngestAsync(new ArticleText { IsPublished = false, Category = category });
        fixture.Clock.Advance(TimeSpan.FromHours(1));

        var published = await ToggleAsync(id, publish: true);
        var listed = await ListAsync($"category={category}");
        var lookup = await GetAsync(id);
        var unpublished = await ToggleAsync(id, publish: false);
        var listedAfter = await ListAsync($"category={category}");
        var drafts = await EditorListAsync("status=draft&limit=100");

        Assert.Equal(200, published.Status);
        Assert.True(published.Json.GetProperty("changed").GetBoolean());
        Assert.True(published.Json.GetProperty("published").GetBoolean());
        Assert.Equal(fixture.Clock.GetUtcNow(), published.Json.GetProperty("publishedChangedAt").GetDateTimeOffset());
        Assert.Equal([id], listed.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.Equal(200, lookup.Status);
        Assert.Equal(200, unpublished.Status);
        Assert.Empty(listedAfter.Json.GetProperty("items").EnumerateArray());
        Assert.Contains(id, drafts.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.Equal(404, (await GetAsync(id)).Status);
    }

    [Fact]
    public async Task Publish_WhenAlreadyPublished_ChangesNothingAndSaysSo()
    {
        var id = await IngestAsync(new ArticleText { IsPublished = true });
        var before = await RawArticleAsync(id);

        var reply = await ToggleAsync(id, publish: true);

        Assert.Equal(200, reply.Status);
        Assert.False(reply.Json.GetProperty("changed").GetBoolean());
        Assert.Contains("nothing changed", reply.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(before.ETag, (await RawArticleAsync(id)).ETag);
    }

    [Fact]
    public async Task Publish_WithStaleETag_Is412_WithCurrentETag_Proceeds_WithMalformedIfMatch_Is400()
    {
        var id = await IngestAsync(new ArticleText { IsPublished = false });

        var stale = await ToggleAsync(id, publish: true, ifMatch: "\"7\"");
        var malformed = await ToggleAsync(id, publish: true, ifMatch: "not-an-etag");
        var current = await ToggleAsync(id, publish: true, ifMatch: "\"1\"");

        Assert.Equal(412, stale.Status);
        Assert.Equal("application/problem+json", stale.ContentType);
        Assert.Equal(400, malformed.Status);
        Assert.Equal(200, current.Status);
        Assert.True(current.Json.GetProperty("changed").GetBoolean());
        Assert.Equal("\"2\"", current.ETag);
    }

    [Fact]
    public async Task PublishAndUnpublish_SentConcurrentlyWithOneETag_ExactlyOneWins()
    {
        for (var round = 0; round < 5; round++)
        {
            var id = await IngestAsync(new ArticleText { IsPublished = round % 2 == 0 });
            var etag = (await EditorGetAsync(id)).ETag!;

            var replies = await Task.WhenAll(ToggleAsync(id, publish: true, ifMatch: etag), ToggleAsync(id, publish: false, ifMatch: etag));

            // One toggle is a no-op for the current state (200, unchanged); the other changes it (200) — or, when the
            // change lands first, the no-op sees a new ETag and is refused (412). Never two changes.
            var changes = replies.Count(r => r.Status == 200 && r.Json.GetProperty("changed").GetBoolean());
            Assert.Equal(1, changes);
            Assert.All(replies, r => Assert.Contains(r.Status, new[] { 200, 412 }));
            Assert.Equal(2, (await RawArticleAsync(id)).GetInt64("Version"));
        }
    }

    [Fact]
    public async Task PublishConcurrently_BothChangingTheStateWithOneETag_ExactlyOneWins()
    {
        var id = await IngestAsync(new ArticleText { IsPublished = false });
        var etag = (await EditorGetAsync(id)).ETag!;

        var replies = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ToggleAsync(id, publish: true, ifMatch: etag)));

        Assert.Equal(1, replies.Count(r => r.Status == 200 && r.Json.GetProperty("changed").GetBoolean()));
        Assert.Equal(3, replies.Count(r => r.Status == 412 || (r.Status == 200 && !r.Json.GetProperty("changed").GetBoolean())));
    }

    [Fact]
    public async Task Toggle_UnknownId_Is404_MalformedId_Is400_BodyOverTheCap_Is413()
    {
        var unknown = await ToggleAsync("0123456789abcdef0123", publish: true);
        var malformed = await ToggleAsync("not#valid", publish: true);
        var big = await CallAsync(
            HttpCall.Create(Services, "POST", "/api/articles/0123456789abcdef0123/publish", body: new byte[8 * 1024]),
            (PublishArticle f, HttpRequest r) => f.RunAsync(r, "0123456789abcdef0123", default));

        Assert.Equal(404, unknown.Status);
        Assert.Equal(400, malformed.Status);
        Assert.Equal(413, big.Status);
        Assert.Equal("application/problem+json", big.ContentType);
    }

    [Fact]
    public async Task Toggle_AfterACrashBetweenArticleAndIndex_MendsTheIndex()
    {
        var category = $"c{Guid.NewGuid():N}";
        var file = new ArticleText { IsPublished = false, Category = category };
        var id = await IngestAsync(file);
        var stored = (await fixture.Services.GetRequiredService<ArticleStore>().GetAsync(id, includeBody: true, default))!;
        await InterruptedSaves.RunAsync(fixture, store => store.SaveUploadAsync( // a re-upload under a new title, cut short
            stored.Article with { Title = "Retitled" }, stored.Html, stored.Source with { LastModified = stored.Source.LastModified.AddSeconds(1) }, _ => Task.FromResult<string?>(null), default));

        var reply = await ToggleAsync(id, publish: false); // a no-op for the state, but it finishes the interrupted index update

        Assert.False(reply.Json.GetProperty("changed").GetBoolean());
        var drafts = (await EditorListAsync("status=draft&limit=100")).Json.GetProperty("items").EnumerateArray();
        Assert.Equal("Retitled", drafts.Single(i => i.GetProperty("id").GetString() == id).GetProperty("title").GetString());
        Assert.True((await RawArticleAsync(id)).GetBoolean("IndexSynced"));
    }

    [Fact]
    public void EditorFunctions_RequireAFunctionKey_ReadersAreAnonymous()
    {
        var levels = HttpFunctions().ToDictionary(f => f.Name, f => f.Trigger.AuthLevel);

        Assert.Equal(AuthorizationLevel.Function, levels[nameof(PublishArticle)]);
        Assert.Equal(AuthorizationLevel.Function, levels["UnpublishArticle"]);
        Assert.Equal(AuthorizationLevel.Function, levels["GetEditorArticle"]);
        Assert.Equal(AuthorizationLevel.Function, levels["ListEditorArticles"]);
        Assert.Equal(AuthorizationLevel.Anonymous, levels[nameof(GetArticle)]);
        Assert.Equal(AuthorizationLevel.Anonymous, levels[nameof(ListArticles)]);
        Assert.Equal(AuthorizationLevel.Admin, levels[nameof(RepairIndex)]);
    }

    [Fact]
    public async Task OpenApi_DescribesExactlyTheRealRoutes_WithTheirMethodsAndKeys()
    {
        var reply = await CallAsync(HttpCall.Create(Services, "GET", "/api/openapi.json"), (OpenApi f, HttpRequest r) => Task.FromResult(f.GetOpenApi(r)));
        var document = reply.Json;

        Assert.Equal(200, reply.Status);
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var described = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => (Path: p.Name.TrimStart('/'), Method: m.Name, Id: m.Value.GetProperty("operationId").GetString(), Secured: m.Value.TryGetProperty("security", out _))))
            .OrderBy(x => x.Id, StringComparer.Ordinal)
            .ToList();
        var real = HttpFunctions()
            .SelectMany(f => f.Trigger.Methods!.Select(m => (Path: f.Trigger.Route!, Method: m, Id: (string?)f.Name, Secured: f.Trigger.AuthLevel != AuthorizationLevel.Anonymous)))
            .OrderBy(x => x.Id, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(real, described);
    }

    [Fact]
    public async Task RepairIndex_MendsEveryInterruptedArticle()
    {
        var id = await IngestAsync(new ArticleText { IsPublished = false });
        await InterruptedSaves.RunAsync(fixture, store => store.SetPublishedAsync(id, true, null, default)); // committed, index not updated

        var reply = await CallAsync(HttpCall.Create(Services, "POST", "/api/maintenance/repair-index"), (RepairIndex f, HttpRequest r) => f.RunAsync(r, default));

        Assert.Equal(200, reply.Status);
        Assert.True(reply.Json.GetProperty("mended").GetInt32() >= 1);
        var entries = await fixture.IndexTable.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"ArticleId eq {id}")).ToListAsync();
        Assert.Equal(5, entries.Count); // published, category, provider, two topics
        Assert.DoesNotContain(entries, e => e.PartitionKey == IndexPartitions.Drafts);
    }

    private static IEnumerable<(string Name, HttpTriggerAttribute Trigger)> HttpFunctions() =>
        typeof(GetArticle).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Select(m => (Function: m.GetCustomAttribute<FunctionAttribute>(), Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)))
            .Where(x => x.Function is not null && x.Trigger is not null)
            .Select(x => (x.Function!.Name, x.Trigger!));

    private static string ArticleUrl(string id) => Urls.TryGetValue(id, out var url) ? url : throw new InvalidOperationException("Unknown id.");

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Urls = new();

    private async Task<string> IngestAsync(ArticleText file, string? extraFrontMatter = null)
    {
        var text = file.Render();
        if (extraFrontMatter is not null)
        {
            text = text.Replace("type: article\n", "type: article\n" + extraFrontMatter, StringComparison.Ordinal);
        }

        var name = $"{Guid.NewGuid():N}.txt";
        await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromString(text));
        var result = await Services.GetRequiredService<IngestService>().IngestInStepAsync(name);
        Assert.True(result.Outcome is IngestOutcome.Created, string.Join("; ", result.Problems));
        Urls[result.ArticleId!] = file.Url;
        return result.ArticleId!;
    }

    private async Task UploadAndIngestAsync(ArticleText file)
    {
        var name = $"{Guid.NewGuid():N}.txt";
        await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        await Services.GetRequiredService<IngestService>().IngestInStepAsync(name);
    }

    private Task<HttpReply> GetAsync(string id) => Api.GetAsync(id);

    private Task<HttpReply> EditorGetAsync(string id) => Api.EditorGetAsync(id);

    private Task<HttpReply> ListAsync(string query) => Api.ListAsync(query);

    private Task<HttpReply> EditorListAsync(string query) => Api.EditorListAsync(query);

    private Task<HttpReply> ToggleAsync(string id, bool publish, string? ifMatch = null)
    {
        var call = HttpCall.Create(Services, "POST", $"/api/articles/{id}/{(publish ? "publish" : "unpublish")}");
        if (ifMatch is not null)
        {
            call.WithHeader("If-Match", ifMatch);
        }

        return publish
            ? CallAsync(call, (PublishArticle f, HttpRequest r) => f.RunAsync(r, id, default))
            : CallAsync(call, (PublishArticle f, HttpRequest r) => f.UnpublishArticle(r, id, default));
    }

    private Task<HttpReply> CallAsync<TFunction>(HttpCall call, Func<TFunction, HttpRequest, Task<IResult>> invoke) => Api.CallAsync(call, invoke);

    private async Task<TableEntity> RawArticleAsync(string id) =>
        (await fixture.ArticlesTable.GetEntityAsync<TableEntity>(id, StorageNames.ArticleRowKey)).Value;
}
