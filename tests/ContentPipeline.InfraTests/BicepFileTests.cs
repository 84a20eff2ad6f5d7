using ContentPipeline.InfraTests.Infrastructure;

namespace ContentPipeline.InfraTests;

/// <summary>Every template under infra/ compiles and passes the Bicep linter's default rules without a warning.</summary>
public class BicepFileTests
{
    public static TheoryData<string> BicepFiles() => new(Files());

    private static IEnumerable<string> Files() =>
        Directory.EnumerateFiles(Repository.InfraFolder, "*.bicep", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(Repository.Root, file))
            .Order(StringComparer.Ordinal);

    [Fact]
    public void InfraFolder_HoldsTheEntryTemplateAndTheHookTemplate()
    {
        var files = Files().ToList();

        Assert.Contains(Path.Combine("infra", "main.bicep"), files);
        Assert.Contains(Templates.IngestSubscriptionPath.Replace('/', Path.DirectorySeparatorChar), files);
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void BicepFile_Builds_WithoutDiagnostics(string file)
    {
        var compiled = BicepCli.Compiled(file);

        Assert.Empty(BicepCli.BuildResult.DiagnosticsOf(file));
        Assert.NotNull(compiled["resources"]);
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void BicepFile_Lints_WithoutWarnings(string file)
    {
        Assert.Empty(BicepCli.LintResult.DiagnosticsOf(file));
    }

    [Fact]
    public void BuildAndLint_ExitCleanly_WithNoOutput()
    {
        Assert.True(BicepCli.BuildResult.ExitCode == 0, BicepCli.BuildResult.Output);
        Assert.True(BicepCli.LintResult.ExitCode == 0, BicepCli.LintResult.Output);
        Assert.Equal("", BicepCli.BuildResult.Output.Trim());
        Assert.Equal("", BicepCli.LintResult.Output.Trim());
    }
}
