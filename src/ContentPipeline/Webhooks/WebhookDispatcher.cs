using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ContentPipeline.Articles;
using ContentPipeline.Changes;
using ContentPipeline.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ContentPipeline.Webhooks;

/// <summary>
/// Delivers the webhooks, at least once, from a queue: each run reads the change log after its place, turns each change
/// that is an event (<see cref="WebhookEvents.Of"/>) into one queued delivery per endpoint taking it, moves its place,
/// then sends the deliveries that are due. A 2xx ends a delivery; a failure leaves its message in the queue, invisible
/// until its next attempt (backoff from <see cref="WebhookOptions.FirstRetryDelay"/>, doubling, at most
/// <see cref="WebhookOptions.MaxRetryDelay"/>), until <see cref="WebhookOptions.GiveUpAfter"/>: then it is kept in the
/// log as failed. A process that dies mid-way leaves messages that come back (a repeat, with the same event id) and a
/// place not yet moved (events queued again, with the same ids): receivers drop repeats by <c>Webhook-Id</c>.
/// Payloads carry an article only when readers may see it (no drafts' content, never <c>secured</c>).
/// </summary>
public sealed partial class WebhookDispatcher
{
    /// <summary>Changes read per run; more wait for the next.</summary>
    private const int MaxChangesPerRun = 1000;

    /// <summary>Messages received per run; more wait for the next.</summary>
    private const int MaxMessagesPerRun = 500;

    private const int ReceiveBatch = 32;

    /// <summary>Changes fanned out between two saves of the dispatcher's place.</summary>
    private const int CursorEvery = 100;

    /// <summary>
    /// Largest queued message, in UTF-8 bytes before the queue's base64 (64 KiB after it): a payload whose article would
    /// not fit goes without it (the receiver reads the article from the API).
    /// </summary>
    internal const int MaxMessageBytes = 45 * 1024;
    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    private readonly ChangeLog _log;
    private readonly WebhookStore _store;
    private readonly WebhookSender _sender;
    private readonly QueueClient _queue;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookDispatcher> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DateTimeOffset _prunedAt = DateTimeOffset.MinValue;

    /// <summary>Creates the dispatcher.</summary>
    public WebhookDispatcher(ChangeLog log, WebhookStore store, WebhookSender sender, QueueServiceClient queues, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookDispatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(options);
        (_log, _store, _sender, _time, _logger) = (log, store, sender, time, logger);
        _queue = queues.GetQueueClient(StorageNames.WebhookQueue);
        _options = options.Value;
    }

    /// <summary>One run: queue what the change log holds since the last, send what is due, prune now and then.</summary>
    public async Task<WebhookRunResult> RunAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var endpoints = await _store.ListEndpointsAsync(cancellationToken).ConfigureAwait(false);
            var queued = await FanOutAsync(endpoints, cancellationToken).ConfigureAwait(false);
            var (delivered, retrying, failed) = await DeliverAsync(endpoints.ToDictionary(static e => e.Id, StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);
            if (_time.GetUtcNow() - _prunedAt > PruneInterval)
            {
                await PruneAsync(endpoints, cancellationToken).ConfigureAwait(false);
            }

            if (queued + delivered + retrying + failed > 0)
            {
                LogRun(queued, delivered, retrying, failed);
            }

            return new WebhookRunResult(queued, delivered, retrying, failed);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Queues <c>feeds.changed</c> for every endpoint taking it: a feed run wrote <paramref name="files"/>.</summary>
    public async Task<int> FeedsChangedAsync(IReadOnlyCollection<Uri> files, Uri index, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
        {
            return 0;
        }

        var takers = (await _store.ListEndpointsAsync(cancellationToken).ConfigureAwait(false)).Where(static e => e.Takes(WebhookEvents.FeedsChanged)).ToList();
        if (takers.Count == 0)
        {
            return 0;
        }

        var now = _time.GetUtcNow();
        var eventId = $"{WebhookEvents.FeedsChanged}.{now.UtcTicks}";
        var body = Payload(eventId, WebhookEvents.FeedsChanged, now, new { feeds = files.Select(static f => f.AbsoluteUri), index = index.AbsoluteUri });
        foreach (var endpoint in takers)
        {
            await QueueAsync(endpoint, eventId, WebhookEvents.FeedsChanged, body, now, cancellationToken).ConfigureAwait(false);
        }

        return takers.Count;
    }

    private async Task<int> FanOutAsync(IReadOnlyList<WebhookEndpoint> endpoints, CancellationToken cancellationToken)
    {
        var cursor = await _store.GetCursorAsync(cancellationToken).ConfigureAwait(false);
        if (cursor is null || endpoints.Count == 0)
        {
            // Nobody listens (or this is the first run): later endpoints hear of what happens from now on, not before.
            await _store.SetCursorAsync(ChangeLog.KeyAt(_log.ReadableBefore), cancellationToken).ConfigureAwait(false);
            return 0;
        }

        var (queued, read, position) = (0, 0, cursor);
        await foreach (var change in _log.ReadAllAsync(cursor, default, cancellationToken).ConfigureAwait(false))
        {
            if (WebhookEvents.Of(change) is { } type && endpoints.Where(e => e.Takes(type)).ToList() is { Count: > 0 } takers)
            {
                var eventId = $"{change.ArticleId}.{change.Version}.{type}";
                var body = Payload(eventId, type, change.At, new { articleId = change.ArticleId, version = change.Version, state = change.To.Name(), article = change.Summary });
                if (Encoding.UTF8.GetByteCount(body) > MaxMessageBytes / 2) // the body is escaped again inside the message
                {
                    body = Payload(eventId, type, change.At, new { articleId = change.ArticleId, version = change.Version, state = change.To.Name() });
                }

                foreach (var endpoint in takers)
                {
                    await QueueAsync(endpoint, eventId, type, body, change.At, cancellationToken).ConfigureAwait(false);
                    queued++;
                }
            }

            position = change.Key;
            if (++read == MaxChangesPerRun)
            {
                break;
            }

            if (read % CursorEvery == 0)
            {
                await _store.SetCursorAsync(position, cancellationToken).ConfigureAwait(false); // a failure later repeats less
            }
        }

        if (position != cursor)
        {
            await _store.SetCursorAsync(position, cancellationToken).ConfigureAwait(false);
        }

        return queued;
    }

    private async Task QueueAsync(WebhookEndpoint endpoint, string eventId, string type, string body, DateTimeOffset occurredAt, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var message = new WebhookMessage(WebhookStore.NewDeliveryId(now), endpoint.Id, eventId, type, body, now, 0);
        await _queue.SendMessageAsync(JsonSerializer.Serialize(message, ArticleJson.WebOptions), visibilityTimeout: null, timeToLive: _options.GiveUpAfter * 2, cancellationToken).ConfigureAwait(false);
        await _store.RecordAsync(endpoint.Id, new WebhookDelivery(message.DeliveryId, eventId, type, WebhookDelivery.Pending, 0, now, null, now, null, null), cancellationToken).ConfigureAwait(false);
        LogQueued(type, eventId, endpoint.Id, occurredAt);
    }

    private async Task<(int Delivered, int Retrying, int Failed)> DeliverAsync(IReadOnlyDictionary<string, WebhookEndpoint> endpoints, CancellationToken cancellationToken)
    {
        var outcomes = new ConcurrentBag<string>();
        var visibility = _options.Timeout * 2 + TimeSpan.FromSeconds(30); // hidden from another run while this one tries it
        for (var received = 0; received < MaxMessagesPerRun;)
        {
            QueueMessage[] batch = (await _queue.ReceiveMessagesAsync(ReceiveBatch, visibility, cancellationToken).ConfigureAwait(false)).Value;
            if (batch.Length == 0)
            {
                break;
            }

            received += batch.Length;
            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = cancellationToken }, async (message, ct) =>
                outcomes.Add(await DeliverOneAsync(message, endpoints, ct).ConfigureAwait(false))).ConfigureAwait(false);
        }

        return (outcomes.Count(static o => o == WebhookDelivery.Delivered), outcomes.Count(static o => o == WebhookDelivery.Pending), outcomes.Count(static o => o == WebhookDelivery.Failed));
    }

    /// <summary>One attempt of one queued delivery; returns the delivery's state after it.</summary>
    private async Task<string> DeliverOneAsync(QueueMessage queued, IReadOnlyDictionary<string, WebhookEndpoint> endpoints, CancellationToken cancellationToken)
    {
        WebhookMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<WebhookMessage>(queued.MessageText, ArticleJson.WebOptions);
        }
        catch (JsonException)
        {
            message = null;
        }

        if (message is null || !endpoints.TryGetValue(message.EndpointId, out var endpoint))
        {
            // Not a delivery this app queued, or its endpoint was removed since: nothing to send it to.
            await _queue.DeleteMessageAsync(queued.MessageId, queued.PopReceipt, cancellationToken).ConfigureAwait(false);
            return string.Empty;
        }

        var attempt = await _sender.SendAsync(endpoint, message, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var attempts = message.Attempts + 1;
        string state;
        DateTimeOffset? next = null;
        if (attempt.Delivered || now - message.CreatedAt >= _options.GiveUpAfter)
        {
            state = attempt.Delivered ? WebhookDelivery.Delivered : WebhookDelivery.Failed;
            await _queue.DeleteMessageAsync(queued.MessageId, queued.PopReceipt, cancellationToken).ConfigureAwait(false);
            if (!attempt.Delivered)
            {
                LogGaveUp(message.Event, message.EventId, endpoint.Id, attempts, attempt.Error);
            }
        }
        else
        {
            state = WebhookDelivery.Pending;
            var delay = RetryDelay(attempts);
            next = now + delay;
            await _queue.UpdateMessageAsync(queued.MessageId, queued.PopReceipt, JsonSerializer.Serialize(message with { Attempts = attempts }, ArticleJson.WebOptions), delay, cancellationToken).ConfigureAwait(false);
            LogRetrying(message.Event, message.EventId, endpoint.Id, attempts, attempt.Error, delay);
        }

        await _store.RecordAsync(endpoint.Id, new WebhookDelivery(message.DeliveryId, message.EventId, message.Event, state, attempts, message.CreatedAt, now, next, attempt.Status, attempt.Error), cancellationToken).ConfigureAwait(false);
        return state;
    }

    /// <summary>The pause after the <paramref name="attempts"/>th failed attempt.</summary>
    internal TimeSpan RetryDelay(int attempts)
    {
        var delay = _options.FirstRetryDelay * Math.Pow(2, Math.Min(attempts - 1, 20));
        return delay > _options.MaxRetryDelay ? _options.MaxRetryDelay : delay;
    }

    private async Task PruneAsync(IReadOnlyList<WebhookEndpoint> endpoints, CancellationToken cancellationToken)
    {
        var pruned = await _log.PruneAsync(cancellationToken).ConfigureAwait(false);
        foreach (var endpoint in endpoints)
        {
            pruned += await _store.DeleteDeliveriesAsync(endpoint.Id, _log.KeptSince, cancellationToken).ConfigureAwait(false);
        }

        _prunedAt = _time.GetUtcNow();
        if (pruned > 0)
        {
            LogPruned(pruned);
        }
    }

    private static string Payload(string eventId, string type, DateTimeOffset occurredAt, object data) =>
        JsonSerializer.Serialize(new { id = eventId, type, occurredAt, data }, ArticleJson.WebOptions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhooks: {Queued} deliveries queued, {Delivered} delivered, {Retrying} to try again, {Failed} given up")]
    private partial void LogRun(int queued, int delivered, int retrying, int failed);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Queued {Event} {EventId} (of {OccurredAt}) for endpoint {EndpointId}")]
    private partial void LogQueued(string @event, string eventId, string endpointId, DateTimeOffset occurredAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery of {Event} {EventId} to endpoint {EndpointId} failed (attempt {Attempts}: {Error}); next in {Delay}")]
    private partial void LogRetrying(string @event, string eventId, string endpointId, int attempts, string? error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gave up delivering {Event} {EventId} to endpoint {EndpointId} after {Attempts} attempts: {Error}")]
    private partial void LogGaveUp(string @event, string eventId, string endpointId, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} change-log entries and delivery-log rows past the retention")]
    private partial void LogPruned(int count);
}
