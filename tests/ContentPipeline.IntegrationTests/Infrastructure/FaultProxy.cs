using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ContentPipeline.IntegrationTests.Infrastructure;

/// <summary>
/// A storage outage on demand: a TCP proxy in front of one of Azurite's endpoints. While up it relays bytes as they
/// are (requests stay signed exactly as the client signed them); while down every request is answered
/// <c>503 Server Busy</c>, what the storage services answer when they cannot serve; while stalled, connections are
/// taken and never answered (a hung service). The connections open when the mode changes are cut.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private static readonly byte[] ServerBusy = Encoding.ASCII.GetBytes(
        "HTTP/1.1 503 Service Unavailable\r\nx-ms-error-code: ServerBusy\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, CancellationTokenSource> _relays = new();
    private readonly Task _accepting;
    private volatile bool _down;
    private volatile bool _stalled;
    private long _refused;

    private FaultProxy(IPEndPoint target)
    {
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The proxy's base address (use it in place of the real endpoint's).</summary>
    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>Requests answered 503 so far.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    public bool Down
    {
        get => _down;
        set
        {
            _down = value;
            CutAll();
        }
    }

    public bool Stalled
    {
        get => _stalled;
        set
        {
            _stalled = value;
            CutAll();
        }
    }

    public static Task<FaultProxy> StartAsync(int targetPort) => Task.FromResult(new FaultProxy(new IPEndPoint(IPAddress.Loopback, targetPort)));

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        foreach (var relay in _relays.Values)
        {
            relay.Cancel();
        }

        await Task.WhenAll(_relays.Keys);
        _stopping.Dispose();
    }

    private void CutAll()
    {
        foreach (var relay in _relays.Values)
        {
            relay.Cancel();
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var cut = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            var task = Task.Run(() => ServeAsync(client, cut.Token));
            _relays[task] = cut;
            _ = task.ContinueWith(t => { _relays.TryRemove(t, out var c); c?.Dispose(); }, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken cut)
    {
        using (client)
        {
            var stream = client.GetStream();
            try
            {
                if (_down)
                {
                    await RefuseAsync(stream, cut);
                    return;
                }

                if (_stalled)
                {
                    await Task.Delay(Timeout.Infinite, cut);
                    return;
                }

                using var upstream = new TcpClient();
                await upstream.ConnectAsync(_target, cut);
                var target = upstream.GetStream();
                await Task.WhenAny(stream.CopyToAsync(target, cut), target.CopyToAsync(stream, cut));
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // Cut by an outage, or closed by one side: the client sees a failed connection, as in a real outage.
            }
        }
    }

    /// <summary>Reads a request's head and answers 503 (the body, if any, is not read: the connection closes).</summary>
    private async Task RefuseAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                return;
            }

            read += n;
            if (buffer.AsSpan(0, read).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }

        Interlocked.Increment(ref _refused);
        await stream.WriteAsync(ServerBusy, cancellationToken);
    }
}
