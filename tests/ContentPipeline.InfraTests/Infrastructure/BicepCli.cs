using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ContentPipeline.InfraTests.Infrastructure;

/// <summary>
/// The Bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64, which restore downloads into the packages
/// folder (PackageDownload). It needs no network to build or lint local files. Each command runs once for every file
/// under infra/ (--pattern): one process each instead of one per file and test keeps the run short and light on a
/// 2-core machine that runs the integration tests at the same time. Snapshots (evaluated deployments) are one process
/// each too, and the tests take only two (Templates).
/// </summary>
internal static class BicepCli
{
    /// <summary>Every .bicep file under infra/, relative to the repository root.</summary>
    public const string Pattern = "infra/**/*.bicep";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static readonly Lazy<string> Executable = new(Locate);

    private static readonly Lazy<(Result Result, string OutputFolder)> Builds = new(BuildAll);

    private static readonly Lazy<Result> Lints = new(() => Run("lint", "--pattern", Pattern));

    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public string Output => StandardOutput + StandardError;

        /// <summary>The diagnostics about one file (each line starts with the file's full path).</summary>
        public IReadOnlyList<string> DiagnosticsOf(string file) =>
            [.. Output.Split('\n').Where(line => line.StartsWith(Repository.PathOf(file), StringComparison.Ordinal)).Select(line => line.TrimEnd())];
    }

    /// <summary>The result of building every file under infra/.</summary>
    public static Result BuildResult => Builds.Value.Result;

    /// <summary>The result of linting every file under infra/.</summary>
    public static Result LintResult => Lints.Value;

    /// <summary>
    /// What deploying a .bicep file under infra/ with these parameter values would create (bicep snapshot): the
    /// template evaluated offline against a made-up subscription, so conditions, lambdas, names, ids and the values
    /// passed between modules are literals. Only what Azure assigns at deployment (a new identity's principal id, an
    /// endpoint) stays an expression.
    /// </summary>
    public static DeploymentSnapshot Snapshot(string bicepFile, string name, IReadOnlyDictionary<string, string> parameters)
    {
        var folder = Directory.CreateTempSubdirectory("infra-snapshot-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        var parametersFile = Path.Combine(folder, $"{name}.bicepparam");
        var template = Path.GetRelativePath(folder, Repository.PathOf(bicepFile)).Replace('\\', '/');
        var lines = parameters.Select(p => $"param {p.Key} = '{BicepString(p.Value)}'");
        File.WriteAllLines(parametersFile, [$"using '{template}'", .. lines]);

        var result = Run(
            "snapshot", parametersFile,
            "--tenant-id", DeploymentSnapshot.TenantId,
            "--subscription-id", DeploymentSnapshot.SubscriptionId,
            "--location", DeploymentSnapshot.Location,
            "--deployment-name", name);
        var json = Path.Combine(folder, $"{name}.snapshot.json");
        if (result.ExitCode != 0 || !File.Exists(json))
        {
            throw new InvalidOperationException($"bicep snapshot of {bicepFile} failed (exit code {result.ExitCode}):\n{result.Output}");
        }

        return new DeploymentSnapshot(JsonNode.Parse(File.ReadAllText(json))?.AsObject() ?? throw new InvalidOperationException($"{json} holds no JSON object."));
    }

    /// <summary>The ARM JSON compiled from a .bicep file under infra/ (path relative to the repository root).</summary>
    public static JsonObject Compiled(string bicepFile)
    {
        var (result, folder) = Builds.Value;
        var relative = Path.GetRelativePath(Repository.InfraFolder, Repository.PathOf(bicepFile));
        var json = Path.Combine(folder, Path.ChangeExtension(relative, ".json"));
        if (!File.Exists(json))
        {
            throw new InvalidOperationException($"bicep build produced no {json} (exit code {result.ExitCode}):\n{result.Output}");
        }

        return JsonNode.Parse(File.ReadAllText(json))?.AsObject() ?? throw new InvalidOperationException($"{json} holds no JSON object.");
    }

    /// <summary>The inside of a single-quoted Bicep string: backslash, quote and interpolation escaped.</summary>
    private static string BicepString(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal).Replace("${", "\\${", StringComparison.Ordinal);

    private static (Result, string) BuildAll()
    {
        var folder = Directory.CreateTempSubdirectory("infra-tests-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        return (Run("build", "--pattern", Pattern, "--outdir", folder), folder);
    }

    private static Result Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable.Value)
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        return new Result(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    private static string Locate()
    {
        var root = Repository.Metadata("NuGetPackageRoot");
        var path = Path.Combine(root, "azure.bicep.commandline.linux-x64", Repository.Metadata("BicepVersion"), "tools", "bicep");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The Bicep CLI is not at {path}: run 'dotnet restore' (the test project downloads it with PackageDownload).", path);
        }

        // NuGet may extract files without their Unix modes.
        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return path;
    }
}
