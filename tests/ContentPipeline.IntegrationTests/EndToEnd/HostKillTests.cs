using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using ContentPipeline.IntegrationTests.Infrastructure;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>The local host as its own process, killed outright (<c>kill -9</c>): its worker does not outlive it.</summary>
public sealed class HostKillTests
{
    [Fact]
    public async Task AHostKilledOutright_LeavesNoWorkerRunning()
    {
        await using var azurite = await Azurite.StartAsync();
        var port = Azurite.FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "ContentPipeline.LocalHost.dll"),
                "--urls", $"http://127.0.0.1:{port}",
                $"--LocalHost:AppPath={LocalHostFixture.AppPath}",
                $"--LocalHost:Keys:Master={LocalHostFixture.MasterKey}",
                $"--LocalHost:Keys:Function={LocalHostFixture.FunctionKey}",
                $"--LocalHost:Keys:BlobsExtension={LocalHostFixture.BlobsExtensionKey}",
                $"--LocalHost:Keys:EventGridExtension={LocalHostFixture.EventGridExtensionKey}",
                $"--Values:ContentStorage={azurite.ConnectionString}",
                $"--Values:AzureWebJobsStorage={azurite.ConnectionString}",
                "--Values:FeedSchedule=0 0 0 1 1 *",
                "--Values:RedriveSchedule=0 0 0 1 1 *",
                "--Values:SweepSchedule=0 0 0 1 1 *",
                "--Values:TransitionSchedule=0 0 0 1 1 *",
                "--Values:RepairSchedule=0 0 0 1 1 *",
            },
        };
        using var host = Process.Start(start)!;
        host.OutputDataReceived += (_, _) => { };
        host.ErrorDataReceived += (_, _) => { };
        host.BeginOutputReadLine();
        host.BeginErrorReadLine();
        int? workerId = null;
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            http.DefaultRequestHeaders.Add("x-functions-key", LocalHostFixture.MasterKey);
            await Wait.UntilAsync(
                async () =>
                {
                    try
                    {
                        var status = await http.GetFromJsonAsync<JsonElement>("/admin/host/status");
                        workerId = status.GetProperty("state").GetString() == "Running" ? status.GetProperty("worker").GetProperty("processId").GetInt32() : null;
                        return workerId is not null;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                "the host runs its worker",
                TimeSpan.FromSeconds(90));
            using var worker = Process.GetProcessById(workerId!.Value);

            host.Kill(); // SIGKILL: the host cannot stop its worker

            await host.WaitForExitAsync();
            await Wait.UntilAsync(() => Task.FromResult(HasExited(worker)), "the worker exits after its host", TimeSpan.FromSeconds(15));
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill(entireProcessTree: true);
            }

            if (workerId is { } id && TryGet(id) is { } orphan)
            {
                orphan.Kill(); // never leave one behind, even when the test fails
                orphan.Dispose();
            }
        }
    }

    private static bool HasExited(Process process)
    {
        process.Refresh();
        return process.HasExited;
    }

    private static Process? TryGet(int id)
    {
        try
        {
            var process = Process.GetProcessById(id);
            return process.HasExited ? null : process;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
