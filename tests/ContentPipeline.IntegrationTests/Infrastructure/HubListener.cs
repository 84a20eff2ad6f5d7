using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ContentPipeline.IntegrationTests.Infrastructure;

/// <summary>What a WebSub hub received: one publish notification.</summary>
public sealed record HubNotification(string? Mode, string? Url, string? ContentType);

/// <summary>
/// A WebSub hub on this machine (Kestrel on a free loopback port): records every notification POSTed to <c>/hub</c> and
/// answers each with the status <paramref name="answer"/> gives for its number (0 for the first), 204 by default.
/// </summary>
public sealed class HubListener(Func<int, int>? answer = null) : IAsyncDisposable
{
    private readonly ConcurrentQueue<HubNotification> _received = new();
    private WebApplication? _app;
    private int _requests;

    /// <summary>The hub's URL, what <c>Feeds:HubUrl</c> is set to.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Every notification received so far, answered or not.</summary>
    public IReadOnlyList<HubNotification> Received => [.. _received];

    public static async Task<HubListener> StartAsync(Func<int, int>? answer = null)
    {
        var hub = new HubListener(answer);
        (hub._app, hub.Url) = await LoopbackServer.StartAsync("/hub", hub.ReceiveAsync);
        return hub;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        var number = Interlocked.Increment(ref _requests) - 1;
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync() : null;
        _received.Enqueue(new HubNotification(form?["hub.mode"].ToString(), form?["hub.url"].ToString(), context.Request.ContentType));
        context.Response.StatusCode = answer?.Invoke(number) ?? StatusCodes.Status204NoContent;
    }
}
