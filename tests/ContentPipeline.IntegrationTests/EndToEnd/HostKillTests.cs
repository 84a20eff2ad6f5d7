using System.Diagnostics;
using ContentPipeline.IntegrationTests.Infrastructure;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>The local host as its own process, killed outright (<c>kill -9</c>): its worker does not outlive it.</summary>
public sealed class HostKillTests
{
    [Fact]
    public async Task AHostKilledOutright_LeavesNoWorkerRunning()
    {
        await using var azurite = await Azurite.StartAsync();
        using var host = new HostProcess("kill-test", azurite.ConnectionString);
        host.Start();
        int? workerId = null;
        try
        {
            workerId = await host.WhenRunningAsync();

            host.Kill(); // SIGKILL: the host cannot stop its worker

            await Wait.UntilAsync(() => Task.FromResult(HostProcess.HasExited(workerId.Value)), "the worker exits after its host", TimeSpan.FromSeconds(15));
        }
        finally
        {
            if (workerId is { } id && !HostProcess.HasExited(id))
            {
                using var orphan = Process.GetProcessById(id);
                orphan.Kill(); // never leave one behind, even when the test fails
            }
        }
    }
}
