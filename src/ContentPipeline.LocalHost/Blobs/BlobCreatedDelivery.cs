using System.Net.Http.Json;
using System.Text.Json;
using ContentPipeline.LocalHost.Events;
using ContentPipeline.LocalHost.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ContentPipeline.LocalHost.Blobs;

/// <summary>
/// How the Event Grid stand-in hands over a <c>BlobCreated</c> event. Event Grid posts to the app's webhook URL, and
/// the platform's load balancer picks the instance: each instance queues its own posts and wakes its own listener at
/// once, while an idle one polls the queue with a pause growing to a minute. So with one instance the event goes straight
/// into this host's queue (what its webhook does), and behind a front door (<see cref="LocalHostOptions.FrontUrl"/>) it
/// is posted to the front door's blobs webhook, which spreads the events over the instances as the load balancer does.
/// A post that fails is queued here instead: the event is never dropped (Event Grid retries for a day). A post that
/// times out after the receiving instance queued it is queued twice: at least once, as Event Grid delivers; ingest is
/// idempotent.
/// </summary>
public sealed partial class BlobCreatedDelivery(BlobTriggerQueue queue, KeyAuthorization keys, IOptions<LocalHostOptions> options, TimeProvider time, ILogger<BlobCreatedDelivery> logger) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public async Task DeliverAsync(string functionId, string accountName, string container, string blobName, Uri blobUrl, string eTag, CancellationToken cancellationToken)
    {
        if (options.Value.FrontUrl is { } front)
        {
            JsonElement[] notification = [StorageBlobEvent.Create(StorageBlobEvent.Created, "PutBlob", accountName, container, blobName, blobUrl, eTag, time.GetUtcNow())];
            using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(front, $"{BlobWebhook.Path}?functionName={Uri.EscapeDataString(functionId)}")) { Content = JsonContent.Create(notification) };
            post.Headers.Add(EventGridPost.EventTypeHeader, EventGridPost.Notification);
            post.Headers.Add(KeyAuthorization.KeyHeader, keys.Keys.BlobsExtension);
            try
            {
                using var answer = await _http.SendAsync(post, cancellationToken).ConfigureAwait(false);
                if (answer.IsSuccessStatusCode)
                {
                    return;
                }

                LogPostRefused((int)answer.StatusCode);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                LogPostFailed(ex);
            }
        }

        await queue.EnqueueAsync(functionId, blobUrl, eTag, "BlockBlob", cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _http.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The front door refused a BlobCreated post ({Status}); queued on this instance instead")]
    private partial void LogPostRefused(int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not post a BlobCreated event to the front door; queued on this instance instead")]
    private partial void LogPostFailed(Exception exception);
}
