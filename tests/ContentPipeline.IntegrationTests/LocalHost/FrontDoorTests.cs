using System.Net;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.LocalHost.Front;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ContentPipeline.IntegrationTests.LocalHost;

/// <summary>The front door that spreads HTTP over several local instances (INSTANCES=N), with real sockets.</summary>
public sealed class FrontDoorTests
{
    [Fact]
    public async Task SpreadsRequestsOverTheInstances_AndSendsThoseForADeadOneToTheOthers_BodyAndHeadersIntact()
    {
        var (first, second, dead, front) = (Azurite.FreePort(), Azurite.FreePort(), Azurite.FreePort(), Azurite.FreePort());
        await using var a = await EchoAsync(first, "a");
        await using var b = await EchoAsync(second, "b");
        await using var door = FrontDoor.Build(["--urls", $"http://127.0.0.1:{front}"], $"http://127.0.0.1:{first},http://127.0.0.1:{dead},http://127.0.0.1:{second}");
        await door.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{front}") };

        var answers = new List<string>();
        for (var i = 0; i < 9; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/echo?n={i}") { Content = new StringContent($"body {i}") };
            request.Headers.Add("x-functions-key", "k");
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            Assert.EndsWith($"|/api/echo?n={i}|k|body {i}", text, StringComparison.Ordinal);
            answers.Add(text[..1]);
        }

        // The dead instance's turns went to the others; both live instances served.
        Assert.Contains("a", answers);
        Assert.Contains("b", answers);
        Assert.Equal(9, answers.Count(x => x is "a" or "b"));
    }

    [Fact]
    public async Task WithNoInstanceUp_Answers502()
    {
        var (dead, front) = (Azurite.FreePort(), Azurite.FreePort());
        await using var door = FrontDoor.Build(["--urls", $"http://127.0.0.1:{front}"], $"http://127.0.0.1:{dead}");
        await door.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{front}") };

        using var response = await http.GetAsync("/api/articles");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
    }

    /// <summary>An instance that answers with its name, the path and query, the key header and the body.</summary>
    private static async Task<WebApplication> EchoAsync(int port, string name)
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", $"http://127.0.0.1:{port}"]);
        var app = builder.Build();
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            await context.Response.WriteAsync($"{name}|{context.Request.Path}{context.Request.QueryString}|{context.Request.Headers["x-functions-key"]}|{await reader.ReadToEndAsync()}");
        });
        await app.StartAsync();
        return app;
    }
}
