using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ContentPipeline.Feeds;

/// <summary>
/// Tells the WebSub hub (<see cref="FeedOptions.HubUrl"/>) which feed files a run changed: one form POST per file,
/// <c>hub.mode=publish</c> and <c>hub.url</c> (the feed's public URL, its self link), the publisher notification that
/// hubs accept (Google's, Superfeedr, self-hosted ones); the hub then fetches the feed and pushes it to its subscribers.
/// A hub that answers 2xx has it. A network failure, a timeout (<see cref="FeedOptions.HubTimeout"/>), 429 or 5xx is
/// tried twice more (after 1 and 3 s); any other answer is a refusal and is not. A notification that still fails is
/// logged and counted, never fails the run: the feeds are written, and a subscriber's hub still polls.
/// </summary>
public sealed partial class WebSubNotifier : IDisposable
{
    /// <summary>Pauses before the second and third tries of a notification.</summary>
    internal static readonly TimeSpan[] Backoff = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)];

    /// <summary>Notifications sent at a time.</summary>
    private const int Parallelism = 4;

    // The publisher notification's form fields.
    private const string ModeField = "hub.mode";
    private const string PublishMode = "publish";
    private const string UrlField = "hub.url";

    private readonly HttpClient _http;
    private readonly Uri? _hub;
    private readonly ILogger<WebSubNotifier> _logger;

    /// <summary>Creates the notifier of the configured hub (it does nothing when none is).</summary>
    public WebSubNotifier(IOptions<FeedOptions> options, ILogger<WebSubNotifier> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _hub = options.Value.Hub;
        _logger = logger;

        // Connections are renewed now and then, so a hub that moves (DNS) is found again; redirects are not followed (a
        // hub that answers 3xx has not taken the notification).
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false })
        {
            Timeout = options.Value.HubTimeout,
        };
    }

    /// <summary>Whether a hub is configured.</summary>
    public bool Enabled => _hub is not null;

    /// <summary>The hub the feeds name, or null.</summary>
    public Uri? Hub => _hub;

    /// <summary>Notifies the hub of each of <paramref name="topics"/>; returns how many it took and how many failed.</summary>
    public async Task<(int Notified, int Failed)> NotifyAsync(IReadOnlyCollection<Uri> topics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topics);
        if (_hub is not { } hub || topics.Count == 0)
        {
            return (0, 0);
        }

        var (notified, failed) = (0, 0);
        await Parallel.ForEachAsync(topics, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (topic, ct) =>
        {
            if (await NotifyAsync(hub, topic, ct).ConfigureAwait(false))
            {
                Interlocked.Increment(ref notified);
            }
            else
            {
                Interlocked.Increment(ref failed);
            }
        }).ConfigureAwait(false);
        LogNotified(hub, notified, failed);
        return (notified, failed);
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    private async Task<bool> NotifyAsync(Uri hub, Uri topic, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            string failure;
            try
            {
                using var form = new FormUrlEncodedContent([new(ModeField, PublishMode), new(UrlField, topic.AbsoluteUri)]);
                using var response = await _http.PostAsync(hub, form, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }

                failure = $"status {(int)response.StatusCode}";
                if (!(response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500))
                {
                    LogRefused(hub, topic, failure);
                    return false;
                }
            }
            catch (HttpRequestException ex)
            {
                failure = ex.HttpRequestError.ToString();
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failure = "timed out";
            }

            if (attempt == Backoff.Length)
            {
                LogFailed(hub, topic, failure, attempt + 1);
                return false;
            }

            await Task.Delay(Backoff[attempt], cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSub hub {Hub} notified of {Notified} changed feed files ({Failed} failed)")]
    private partial void LogNotified(Uri hub, int notified, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSub hub {Hub} refused the notification of {Topic} ({Failure}); not tried again")]
    private partial void LogRefused(Uri hub, Uri topic, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSub hub {Hub} could not be notified of {Topic} ({Failure}, {Attempts} tries); its subscribers see the change when the hub polls")]
    private partial void LogFailed(Uri hub, Uri topic, string failure, int attempts);
}
