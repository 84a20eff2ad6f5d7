using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ContentPipeline.IntegrationTests.Infrastructure;

/// <summary>
/// A real Azurite (the repository's pinned npm package), started on free loopback ports with in-memory storage and
/// stopped on dispose. Nothing has to run beforehand; only <c>npm ci</c> must have installed it.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    // The emulator's documented, public development key: not a secret.
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const string Account = "devstoreaccount1";

    private readonly Process _process;
    private readonly string _workDirectory;

    private Azurite(Process process, string workDirectory, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _workDirectory = workDirectory;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    /// <summary>The emulator's process (node), for what it costs in CPU.</summary>
    public int ProcessId => _process.Id;

    public string ConnectionString => string.Create(CultureInfo.InvariantCulture,
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{BlobPort}/{Account};QueueEndpoint=http://127.0.0.1:{QueuePort}/{Account};TableEndpoint=http://127.0.0.1:{TablePort}/{Account};");

    public static async Task<Azurite> StartAsync()
    {
        var script = Path.Combine(RepositoryRoot(), "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed ({script} is missing): run 'npm ci' at the repository root.");
        }

        for (var attempt = 1; ; attempt++)
        {
            var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
            var work = Directory.CreateTempSubdirectory("azurite-").FullName;
            var start = new ProcessStartInfo("node")
            {
                WorkingDirectory = work,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[]
            {
                script, "--inMemoryPersistence", "--skipApiVersionCheck", "--loose",
                "--blobHost", "127.0.0.1", "--blobPort", Invariant(blob),
                "--queueHost", "127.0.0.1", "--queuePort", Invariant(queue),
                "--tableHost", "127.0.0.1", "--tablePort", Invariant(table),
            })
            {
                start.ArgumentList.Add(arg);
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
            process.OutputDataReceived += static (_, _) => { };
            process.ErrorDataReceived += static (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var azurite = new Azurite(process, work, blob, queue, table);
            if (await azurite.WaitUntilListeningAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false))
            {
                return azurite;
            }

            await azurite.DisposeAsync().ConfigureAwait(false);
            if (attempt == 3)
            {
                throw new InvalidOperationException("Azurite did not start listening within 30 seconds, three times.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    /// <summary>The folder holding package.json and node_modules, found upwards from the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "package.json")) && File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No repository root (package.json next to Functions.sln) above {AppContext.BaseDirectory}.");
    }

    private async Task<bool> WaitUntilListeningAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        foreach (var port in new[] { BlobPort, QueuePort, TablePort })
        {
            while (!await IsListeningAsync(port).ConfigureAwait(false))
            {
                if (_process.HasExited || deadline.Elapsed > timeout)
                {
                    return false;
                }

                await Task.Delay(50).ConfigureAwait(false);
            }
        }

        return true;
    }

    private static async Task<bool> IsListeningAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A loopback port free right now.</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
