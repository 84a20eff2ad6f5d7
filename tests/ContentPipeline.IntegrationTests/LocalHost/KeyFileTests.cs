using ContentPipeline.LocalHost;
using ContentPipeline.LocalHost.Http;

namespace ContentPipeline.IntegrationTests.LocalHost;

/// <summary>The local keys file holds the master key: only its owner may read it (Unix file modes).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KeyFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keys-").FullName;

    [Fact]
    public void GeneratedKeys_AreSavedReadableByTheOwnerOnly()
    {
        var file = Path.Combine(_folder, "host-keys.json");

        var keys = KeyAuthorization.Resolve(new HostKeys(), file);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Contains(keys.Master, File.ReadAllText(file), StringComparison.Ordinal);
    }

    [Fact]
    public void AnExistingKeysFileThatOthersCouldRead_IsMadeOwnerOnly()
    {
        var file = Path.Combine(_folder, "host-keys.json");
        var first = KeyAuthorization.Resolve(new HostKeys(), file);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var second = KeyAuthorization.Resolve(new HostKeys(), file);

        Assert.Equal(first.Master, second.Master); // kept across runs
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
