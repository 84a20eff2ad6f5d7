using System.Reflection;

namespace ContentPipeline.InfraTests.Infrastructure;

/// <summary>Paths in the repository under test (its root is stamped into the assembly at build time).</summary>
internal static class Repository
{
    public static string Root { get; } = Metadata("RepositoryRoot");

    public static string InfraFolder => Path.Combine(Root, "infra");

    public static string PathOf(string relativePath) => Path.GetFullPath(Path.Combine(Root, relativePath));

    public static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
            ?? throw new InvalidOperationException($"The test assembly has no '{key}' metadata (see ContentPipeline.InfraTests.csproj).");
}
