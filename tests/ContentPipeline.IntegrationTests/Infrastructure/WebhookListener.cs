using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ContentPipeline.IntegrationTests.Infrastructure;

/// <summary>One request a webhook endpoint received: its headers of interest and its body, as bytes.</summary>
public sealed record WebhookRequest(IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : string.Empty;
}

/// <summary>
/// A webhook endpoint on this machine (Kestrel on a free loopback port): records every POST to <c>/hook</c> and answers
/// each with what <c>answer</c> gives for its number (0 for the first): a status, after an optional pause (a hang).
/// </summary>
public sealed class WebhookListener : IAsyncDisposable
{
    private readonly ConcurrentQueue<WebhookRequest> _received = new();
    private readonly Func<int, (int Status, TimeSpan Delay)> _answer;
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;
    private int _requests;

    private WebhookListener(Func<int, (int Status, TimeSpan Delay)> answer) => _answer = answer;

    /// <summary>The endpoint's URL.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Every request received so far, answered or not.</summary>
    public IReadOnlyList<WebhookRequest> Received => [.. _received];

    /// <summary>An endpoint answering <paramref name="status"/> to every request.</summary>
    public static Task<WebhookListener> StartAsync(int status = StatusCodes.Status204NoContent) => StartAsync(_ => (status, TimeSpan.Zero));

    public static async Task<WebhookListener> StartAsync(Func<int, (int Status, TimeSpan Delay)> answer)
    {
        var listener = new WebhookListener(answer);
        (listener._app, listener.Url) = await LoopbackServer.StartAsync("/hook", listener.ReceiveAsync);
        return listener;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        var number = Interlocked.Increment(ref _requests) - 1;
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        _received.Enqueue(new WebhookRequest(
            context.Request.Headers.ToDictionary(static h => h.Key.ToLowerInvariant(), static h => h.Value.ToString()), body.ToArray()));
        var (status, delay) = _answer(number);
        if (delay > TimeSpan.Zero)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            try
            {
                await Task.Delay(delay, linked.Token);
            }
            catch (OperationCanceledException)
            {
                return; // the sender gave up (or the listener stops): nobody reads the answer
            }
        }

        context.Response.StatusCode = status;
        await context.Response.WriteAsync(status >= 400 ? "something broke\non our side" : string.Empty);
    }
}
