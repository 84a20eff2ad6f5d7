using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ContentPipeline.Diagnostics;

namespace ContentPipeline.LocalHost.Worker;

/// <summary>
/// The worker as a child process, started the way the Azure host starts a .NET isolated worker: the executable and
/// assembly from the app's worker.config.json, the host's gRPC address and the worker's ids as arguments, the app
/// settings and <c>FUNCTIONS_APPLICATION_DIRECTORY</c> in its environment. Its console output goes to the host's log.
/// </summary>
public sealed partial class WorkerProcess : IAsyncDisposable
{
    /// <summary>Variables of the host's own web server that must not reach the worker's (it picks its own address).</summary>
    private static readonly string[] HostOnlyVariables = ["ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS", "URLS"];

    private readonly Process _process;
    private readonly ILogger _logger;

    private WorkerProcess(Process process, ILogger logger)
    {
        _process = process;
        _logger = logger;
    }

    /// <summary>Completes when the process ends.</summary>
    public Task Exited { get; private set; } = Task.CompletedTask;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public int Id => _process.Id;

    public static WorkerProcess Start(WorkerLaunch launch, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var (executable, assembly) = ReadWorkerConfig(launch.AppDirectory);
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = launch.AppDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var port = launch.RpcUri.Port.ToString(CultureInfo.InvariantCulture);
        var requestId = Guid.NewGuid().ToString();
        const string maxMessage = "2147483647";
        foreach (var argument in new[]
        {
            Path.Combine(launch.AppDirectory, assembly),
            "--host", launch.RpcUri.Host, "--port", port, "--workerId", launch.WorkerId, "--requestId", requestId, "--grpcMaxMessageLength", maxMessage,
            "--functions-uri", launch.RpcUri.AbsoluteUri, "--functions-worker-id", launch.WorkerId, "--functions-request-id", requestId,
            "--functions-grpc-max-message-length", maxMessage,
        })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in HostOnlyVariables)
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in launch.Settings)
        {
            start.Environment[name] = value;
        }

        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = launch.AppDirectory; // the worker cannot load functions without it
        start.Environment["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development";
        start.Environment["LocalHost__HostProcessId"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture); // the worker stops when this host is gone

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var worker = new WorkerProcess(process, logger);
        process.OutputDataReceived += (_, e) => worker.OnOutput(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => worker.OnOutput(e.Data, isError: true);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start the worker ({executable} {assembly}).");
        }

        worker.Exited = process.WaitForExitAsync();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        LogStarted(logger, process.Id, assembly);
        return worker;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await Exited.ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Never started, or already reaped: nothing to stop.
        }

        _process.Dispose();
    }

    private static (string Executable, string Assembly) ReadWorkerConfig(string appDirectory)
    {
        var path = Path.Combine(appDirectory, "worker.config.json");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{appDirectory} is not a published Functions app: it has no worker.config.json. Publish it with 'dotnet publish src/ContentPipeline.Functions -o <folder>'.", path);
        }

        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var description = json.RootElement.GetProperty("description");
        return (description.GetProperty("defaultExecutablePath").GetString() ?? "dotnet", description.GetProperty("defaultWorkerPath").GetString()!);
    }

    private void OnOutput(string? line, bool isError)
    {
        if (string.IsNullOrEmpty(line))
        {
            return;
        }

        // The worker's own logs arrive as RpcLog messages; its console repeats some of them, and says what it could not
        // say over gRPC (a crash at start).
        if (isError)
        {
            LogStandardError(_logger, LogText.Escape(line));
        }
        else
        {
            LogStandardOutput(_logger, LogText.Escape(line));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started the worker (process {ProcessId}, {Assembly})")]
    private static partial void LogStarted(ILogger logger, int processId, string assembly);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Worker console: {Line}")]
    private static partial void LogStandardOutput(ILogger logger, string line);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker console (stderr): {Line}")]
    private static partial void LogStandardError(ILogger logger, string line);
}
