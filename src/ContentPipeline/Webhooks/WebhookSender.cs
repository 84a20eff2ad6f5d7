using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;

namespace ContentPipeline.Webhooks;

/// <summary>
/// Sends one signed attempt of a delivery (<see cref="WebhookSignature"/>). Every connection goes to an address the
/// policy allows (<see cref="WebhookUrlPolicy"/>), resolved at connect time, so a name that points inside the network
/// is refused however it was registered; redirects are not followed (a 3xx is a failure); the whole attempt has
/// <see cref="WebhookOptions.Timeout"/>; of the answer, only the status and at most <see cref="MaxErrorBytes"/> of a
/// failure's body (for the delivery log) are read.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    /// <summary>Most bytes of a failed answer's body kept for the log.</summary>
    public const int MaxErrorBytes = 512;

    private const string JsonMediaType = "application/json";
    private const string UserAgent = "ContentPipeline-Webhooks/1.0";

    private readonly HttpClient _http;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the sender.</summary>
    public WebhookSender(IOptions<WebhookOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false, // a proxy would make the connect-time address check see the proxy, not the endpoint
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = _options.Timeout,
            ConnectCallback = ConnectAsync,
            MaxResponseHeadersLength = 64, // KiB
        })
        {
            Timeout = Timeout.InfiniteTimeSpan, // each attempt has its own
            MaxResponseContentBufferSize = MaxErrorBytes,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
    }

    /// <summary>Sends <paramref name="message"/>'s body to <paramref name="endpoint"/>, signed now.</summary>
    public async Task<WebhookAttempt> SendAsync(WebhookEndpoint endpoint, WebhookMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(message);
        var body = Encoding.UTF8.GetBytes(message.Body);
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(JsonMediaType) { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.IdHeader, message.EventId);
        request.Headers.Add(WebhookSignature.EventHeader, message.Event);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(endpoint.Secret, timestamp, body));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new WebhookAttempt(true, status, null);
            }

            return new WebhookAttempt(false, status, $"HTTP {status}: {await ExcerptAsync(response, timeout.Token).ConfigureAwait(false)}".TrimEnd(' ', ':'));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookAttempt(false, null, string.Create(CultureInfo.InvariantCulture, $"No answer within {_options.Timeout.TotalSeconds:0.#} s."));
        }
        catch (HttpRequestException ex)
        {
            return new WebhookAttempt(false, null, ex.InnerException is WebhookAddressException refused ? refused.Message : $"Network error: {ex.HttpRequestError}.");
        }
        catch (IOException ex)
        {
            return new WebhookAttempt(false, null, $"Network error reading the answer: {ex.GetType().Name}."); // a body cut short, say
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    /// <summary>The start of a failed answer's body, as one line of text.</summary>
    private static async Task<string> ExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxErrorBytes];
        var read = 0;
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false) is > 0 and var n)
        {
            read += n;
        }

        var text = Encoding.UTF8.GetString(buffer, 0, read);
        return new string([.. text.Select(static c => char.IsControl(c) ? ' ' : c)]).Trim();
    }

    /// <summary>Connects to the first address of the host that the policy allows; none: refused before any byte is sent.</summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var allowed = addresses.Where(a => WebhookUrlPolicy.Allows(a, _options.AllowPrivateNetworks)).ToList();
        if (allowed.Count == 0)
        {
            throw new WebhookAddressException($"Refused: {host} resolves to no public address.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync([.. allowed], context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
