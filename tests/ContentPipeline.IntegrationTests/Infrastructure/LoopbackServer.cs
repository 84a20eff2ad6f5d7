using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ContentPipeline.IntegrationTests.Infrastructure;

/// <summary>A Kestrel server on a free loopback port that takes POSTs to one path: what the listeners of these tests run on.</summary>
public static class LoopbackServer
{
    /// <summary>Starts it; returns the app (the caller disposes it) and the URL of <paramref name="path"/>.</summary>
    public static async Task<(WebApplication App, Uri Url)> StartAsync(string path, RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost(path, handler);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(new Uri(address), path));
    }
}
