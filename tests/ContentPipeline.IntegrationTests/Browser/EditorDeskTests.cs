using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using ContentPipeline.Articles;
using ContentPipeline.IntegrationTests.EndToEnd;
using ContentPipeline.IntegrationTests.Infrastructure;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace ContentPipeline.IntegrationTests.Browser;

/// <summary>
/// The editors' desk in a real browser, as an editor uses it: against the local host (the published app's worker) and
/// Azurite, the page served by the app, every call going through the editors' API with the key the editor pasted.
/// </summary>
public sealed class EditorDeskTests(DeskFixture host) : IClassFixture<DeskFixture>
{
    private static readonly string Screenshot = Path.Combine(
        typeof(EditorDeskTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!,
        "docs", "editor-desk.png");

    [Fact]
    public async Task AnEditor_SignsIn_FindsADraft_PreviewsItsRenderedBody_PublishesIt_AndReadersSeeIt()
    {
        var file = new ArticleText { IsPublished = false, Title = "Council approves the new tram line", Category = Unique("city"), Body = "## What changes\n\nTrams every *six* minutes.\n" };
        var id = await UploadAsync(file);
        var (page, problems) = await OpenDeskAsync();

        await SignInAsync(page);
        await page.GetByLabel("State").SelectOptionAsync("draft");
        await page.GetByLabel("Category", new() { Exact = true }).FillAsync(file.Category);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = file.Title }).ClickAsync();

        var preview = page.Locator("#preview");
        await Assertions.Expect(preview.GetByRole(AriaRole.Heading, new() { Name = file.Title, Level = 2 })).ToBeFocusedAsync();
        await Assertions.Expect(preview.Locator(".rendered h2")).ToHaveTextAsync("What changes");
        await Assertions.Expect(preview.Locator(".rendered em")).ToHaveTextAsync("six");
        await Assertions.Expect(preview.Locator("#preview-state")).ToHaveTextAsync("draft");
        await Assertions.Expect(preview.Locator("dd", new() { HasTextString = file.Secured })).ToHaveCountAsync(1); // every field, for editors
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode);

        await preview.GetByRole(AriaRole.Button, new() { Name = "Publish now" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Publish: Published.");
        await Assertions.Expect(preview.Locator("#preview-state")).ToHaveTextAsync("published");
        var published = await host.Http.GetFromJsonAsync<JsonElement>($"/api/articles/{id}");
        Assert.Equal("published", published.GetProperty("state").GetString());
        Assert.DoesNotContain(LocalHostFixture.FunctionKey, page.Url, StringComparison.Ordinal);
        Assert.Empty(problems);

        // The README's picture: from the top of the page to the end of the rendered body, which holds nothing that
        // changes from run to run (the fields below hold ids and URLs), so an unchanged page leaves the file unchanged.
        Directory.CreateDirectory(Path.GetDirectoryName(Screenshot)!);
        var bottom = await preview.Locator(".rendered").BoundingBoxAsync();
        await page.ScreenshotAsync(new() { Path = Screenshot, Clip = new Clip { X = 0, Y = 0, Width = 1100, Height = bottom!.Y + bottom.Height + 16 } });
    }

    [Fact]
    public async Task WhenSomeoneElseChangedTheArticleFirst_ThePageSaysSo_ShowsTheCurrentState_AndOverwritesNothing()
    {
        var file = new ArticleText { IsPublished = true, Title = "Harbour reopens after storm", Category = Unique("coast") };
        var id = await UploadAsync(file);
        var (page, problems) = await OpenDeskAsync();
        await SignInAsync(page);
        await page.GetByLabel("State").SelectOptionAsync("published");
        await page.GetByLabel("Category", new() { Exact = true }).FillAsync(file.Category);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = file.Title }).ClickAsync();
        await Assertions.Expect(page.Locator("#preview-state")).ToHaveTextAsync("published");

        // Another editor unpublishes it while this one is looking.
        using (var other = new HttpRequestMessage(HttpMethod.Post, $"/api/articles/{id}/unpublish"))
        {
            other.Headers.Add("x-functions-key", LocalHostFixture.FunctionKey);
            Assert.Equal(HttpStatusCode.OK, (await host.Http.SendAsync(other)).StatusCode);
        }

        await page.GetByLabel("Reason").FillAsync("Wrong harbour");
        await page.GetByRole(AriaRole.Button, new() { Name = "Take down" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Someone else changed this article first; nothing was changed.");
        await Assertions.Expect(page.Locator("#preview-state")).ToHaveTextAsync("draft");
        var editor = await EditorGetAsync(id);
        Assert.Equal("draft", editor.GetProperty("state").GetString()); // not taken down
        Assert.False(editor.TryGetProperty("takedown", out _));
        Assert.Empty(problems);
    }

    [Fact]
    public async Task ARejectedFilesReasons_AreReadable_WithTheirLineAndColumn()
    {
        var name = $"desk-{Guid.NewGuid():N}.md";
        await host.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromString(new ArticleText().Render().Replace("quality: 50", "quality: high", StringComparison.Ordinal)));
        await Wait.UntilAsync(async () => (await EditorSendAsync($"/api/editor/rejected-files/detail?name={Uri.EscapeDataString(name)}")).StatusCode == HttpStatusCode.OK, "the file is rejected");
        var (page, problems) = await OpenDeskAsync();
        await SignInAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Rejected files" }).ClickAsync();

        var card = page.Locator("#rejected li", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = name }) });
        await Assertions.Expect(card).ToContainTextAsync($"{name}, line 9, column 10");
        await Assertions.Expect(card).ToContainTextAsync("(wrong-type): 'quality' must be a whole number, got 'high'");
        Assert.Empty(problems);
    }

    [Fact]
    public async Task ThePage_WorksWithTheKeyboardAlone_AtPhoneWidth_WithNoAccessibilityViolations()
    {
        var file = new ArticleText { IsPublished = false, Title = "Library extends its opening hours", Category = Unique("town"), Body = "Open until *nine*.\n" };
        await UploadAsync(file);
        var (page, problems) = await OpenDeskAsync(new ViewportSize { Width = 390, Height = 844 });
        await AssertNoAxeViolationsAsync(page, "the sign-in form");

        // The key field has the focus: type, Enter. Then Tab to the filters and the article, Enter to open it.
        await Assertions.Expect(page.GetByLabel("Function key")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(LocalHostFixture.FunctionKey);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("shown");
        await TabToAsync(page, "#category");
        await page.Keyboard.TypeAsync(file.Category);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = file.Title })).ToBeVisibleAsync();
        await TabToAsync(page, $"button:text-is(\"{file.Title}\")");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = file.Title, Level = 2 })).ToBeFocusedAsync();
        await TabToAsync(page, "#publish");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#preview-state")).ToHaveTextAsync("published");

        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways at phone width");
        await AssertNoAxeViolationsAsync(page, "an article's preview");
        await page.GetByRole(AriaRole.Button, new() { Name = "Back to the list" }).ClickAsync();
        await AssertNoAxeViolationsAsync(page, "the list");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rejected files" }).ClickAsync();
        await AssertNoAxeViolationsAsync(page, "the rejected files");
        Assert.Empty(problems);
    }

    [Fact]
    public async Task AnEditor_OrdersAListByHeat_AndTheHottestComesFirst()
    {
        var category = Unique("heat");
        await UploadAsync(new ArticleText { IsPublished = true, Category = category, Title = "Lukewarm story", Heat = 1, Published = DateTimeOffset.UtcNow.AddMinutes(-5) });
        await UploadAsync(new ArticleText { IsPublished = true, Category = category, Title = "Scorching story", Heat = 900, Published = DateTimeOffset.UtcNow.AddMinutes(-30) });
        var (page, problems) = await OpenDeskAsync();
        await SignInAsync(page);
        await page.GetByLabel("State").SelectOptionAsync("published");
        await page.GetByLabel("Category", new() { Exact = true }).FillAsync(category);

        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Assertions.Expect(page.Locator("#articles tbody tr").First).ToContainTextAsync("Lukewarm story"); // newest first
        await page.GetByLabel("Order", new() { Exact = true }).SelectOptionAsync("hot");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();

        await Assertions.Expect(page.Locator("#articles-caption")).ToContainTextAsync("Hottest first · 2 shown");
        await Assertions.Expect(page.Locator("#articles tbody tr").First).ToContainTextAsync("Scorching story");
        Assert.Empty(problems);
    }

    [Fact]
    public async Task AnEditor_OpensAStory_SplitsAnArticleOut_AndMergesItBack()
    {
        var category = Unique("story");
        var subject = $"Ostravia{Guid.NewGuid():N}"[..16];
        var tellers = new[] { ("Alpha", 40, $"{subject} opens its first metro line after 12 years"), ("Beta", 80, $"First metro line opened by {subject} after 12 years"), ("Gamma", 60, $"Why {subject} opens its first metro line") };
        var ids = new List<string>();
        foreach (var (provider, quality, title) in tellers)
        {
            ids.Add(await UploadAsync(new ArticleText
            {
                IsPublished = true, Category = category, Title = title, Quality = quality, ProviderName = provider, ProviderDomain = $"{provider.ToLowerInvariant()}.example",
                Excerpt = $"Trains ran in {subject} on Sunday, 12 years after work began.", Published = DateTimeOffset.UtcNow.AddMinutes(-ids.Count - 1),
            }));
        }

        var (page, problems) = await OpenDeskAsync();
        await SignInAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Stories" }).ClickAsync();
        await page.GetByLabel("Story category").FillAsync(category);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show stories" }).ClickAsync();
        var card = page.Locator("#stories li").First;
        await Assertions.Expect(card).ToContainTextAsync("3 sources · 3 articles in this list");
        await Assertions.Expect(page.Locator("#stories li")).ToHaveCountAsync(1);
        await AssertNoAxeViolationsAsync(page, "the stories");

        await card.GetByRole(AriaRole.Button, new() { Name = $"Open story: {tellers[1].Item3}" }).ClickAsync(); // the lead: quality 80
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = tellers[1].Item3, Level = 2 })).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#story-articles li")).ToHaveCountAsync(3);
        await AssertNoAxeViolationsAsync(page, "a story");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Split out {tellers[2].Item3} (Gamma)" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Split: the article is in a story of its own now");
        await Assertions.Expect(page.Locator("#story-articles li")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#story-summary")).ToContainTextAsync("2 sources");
        var own = (await EditorGetAsync(ids[2])).GetProperty("story").GetProperty("id").GetString()!;

        await page.GetByLabel("Merge another story into this one (its id)").FillAsync(own);
        await page.GetByRole(AriaRole.Button, new() { Name = "Merge" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Merge: 3 sources now.");
        await Assertions.Expect(page.Locator("#story-articles li")).ToHaveCountAsync(3);
        Assert.Equal((await EditorGetAsync(ids[0])).GetProperty("story").GetProperty("id").GetString(), (await EditorGetAsync(ids[2])).GetProperty("story").GetProperty("id").GetString());
        Assert.Empty(problems);
    }

    [Fact]
    public async Task AnEditor_RegistersAWebhook_SeesItsSecretOnce_ReadsItsDeliveryLog_AndRemovesIt()
    {
        const string url = "https://hooks.invalid/desk"; // a name that never resolves (RFC 2606): each attempt fails
        var (page, problems) = await OpenDeskAsync();
        await SignInAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Webhooks" }).ClickAsync();
        await AssertNoAxeViolationsAsync(page, "the webhooks");

        await page.GetByLabel("Endpoint URL (https)").FillAsync(url);
        await page.GetByLabel("Published article.published").UncheckAsync();
        await page.GetByLabel("Feeds changed feeds.changed").CheckAsync();
        await page.GetByLabel("Description (optional)").FillAsync("The desk's test endpoint");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register endpoint" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Register: Registered.");
        await Assertions.Expect(page.Locator("#webhook-secret .secret")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{64}$"));
        var card = page.Locator("#webhooks li", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = url }) });
        await Assertions.Expect(card).ToContainTextAsync("feeds.changed");
        await AssertNoAxeViolationsAsync(page, "a registered webhook");

        // A feed run that writes feeds queues feeds.changed; the dispatcher tries it and fails (no such host).
        await UploadAsync(new ArticleText { IsPublished = true, Category = Unique("hooks") });
        await host.RunFeedsAsync();
        await host.RunTimerAsync("DispatchWebhooks");
        await card.GetByRole(AriaRole.Button, new() { Name = $"Deliveries to {url}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Deliveries to {url}" })).ToBeFocusedAsync();
        var delivery = page.Locator("#deliveries li").First;
        await Assertions.Expect(delivery).ToContainTextAsync("feeds.changed");
        await Assertions.Expect(delivery.Locator(".state")).ToHaveTextAsync("pending");
        await Assertions.Expect(delivery).ToContainTextAsync("1 attempt");
        await Assertions.Expect(delivery.Locator("pre")).ToContainTextAsync("Network error");
        await AssertNoAxeViolationsAsync(page, "a delivery log");

        await card.GetByRole(AriaRole.Button, new() { Name = $"Remove {url}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Removed {url}.");
        await Assertions.Expect(card).ToHaveCountAsync(0);
        Assert.Empty(problems);
    }

    [Fact]
    public async Task ThePage_IsServedWithAStrictPolicy_AndTheKeyStaysInTheSession()
    {
        using var response = await host.Http.GetAsync("/api/desk/index.html");
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        var (page, _) = await OpenDeskAsync();
        await SignInAsync(page);

        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        Assert.Equal(LocalHostFixture.FunctionKey, await page.EvaluateAsync<string>("() => sessionStorage.getItem('contentpipeline.editorKey')"));
        Assert.Null(await page.EvaluateAsync<string?>("() => localStorage.getItem('contentpipeline.editorKey')"));
        Assert.Empty(await page.Context.CookiesAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('contentpipeline.editorKey')"));
        await Assertions.Expect(page.GetByLabel("Function key")).ToBeVisibleAsync();
    }

    /// <summary>A new browser context (a fresh session) on the desk; the list collects console errors and failed requests.</summary>
    private async Task<(IPage Page, List<string> Problems)> OpenDeskAsync(ViewportSize? viewport = null)
    {
        var browser = await host.BrowserAsync();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = viewport ?? new ViewportSize { Width = 1100, Height = 900 } });
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            // Chromium logs every 4xx as "Failed to load resource"; the page meets some on purpose (a 412): those are
            // judged by their status below, everything else (a CSP violation, a script error) is a problem.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                problems.Add($"console: {message.Text}");
            }
        };
        page.PageError += (_, error) => problems.Add($"page error: {error}");
        page.RequestFailed += (_, request) => problems.Add($"request failed: {request.Url} {request.Failure}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 500 || (response.Url.Contains("/api/desk/", StringComparison.Ordinal) && response.Status >= 400))
            {
                problems.Add($"{response.Status} from {response.Url}");
            }
        };
        var response = await page.GotoAsync(new Uri(host.BaseUrl, "/api/desk/index.html").ToString());
        Assert.Equal(200, response!.Status);
        return (page, problems);
    }

    private static async Task SignInAsync(IPage page)
    {
        await page.GetByLabel("Function key").FillAsync(LocalHostFixture.FunctionKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Articles" })).ToBeVisibleAsync();
    }

    /// <summary>Presses Tab until <paramref name="selector"/> has the focus (at most 60 times): it is reachable by keyboard.</summary>
    private static async Task TabToAsync(IPage page, string selector)
    {
        var target = page.Locator(selector).First;
        for (var i = 0; i < 60; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await target.EvaluateAsync<bool>("e => e === document.activeElement"))
            {
                return;
            }
        }

        Assert.Fail($"Tab never reached {selector}.");
    }

    private static async Task AssertNoAxeViolationsAsync(IPage page, string what)
    {
        var results = await page.RunAxe();
        Assert.True(results.Violations.Length == 0, $"axe-core found violations on {what}: " + string.Join("; ", results.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
    }

    private async Task<string> UploadAsync(ArticleText file)
    {
        await host.Incoming.GetBlobClient($"{Guid.NewGuid():N}.md").UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        var id = ArticleId.FromUrl(new Uri(file.Url));
        await Wait.UntilAsync(async () => (await EditorSendAsync($"/api/editor/articles/{id}")).StatusCode == HttpStatusCode.OK, "the article is ingested");
        return id;
    }

    private async Task<JsonElement> EditorGetAsync(string id) =>
        await (await EditorSendAsync($"/api/editor/articles/{id}")).Content.ReadFromJsonAsync<JsonElement>();

    private async Task<HttpResponseMessage> EditorSendAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("x-functions-key", LocalHostFixture.FunctionKey);
        return await host.Http.SendAsync(request);
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}
