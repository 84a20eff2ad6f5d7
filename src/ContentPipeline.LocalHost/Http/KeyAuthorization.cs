using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ContentPipeline.LocalHost.Catalog;

namespace ContentPipeline.LocalHost.Http;

/// <summary>
/// Checks keys as the Azure host does: a key comes in the <c>x-functions-key</c> header or the <c>code</c> query
/// parameter; Function level takes a function key or the master key; Admin level and the admin API take the master key;
/// the blob webhook takes the <c>blobs_extension</c> system key, the Event Grid webhook the <c>eventgrid_extension</c> one
/// (or the master key).
/// </summary>
public sealed class KeyAuthorization
{
    public const string KeyHeader = "x-functions-key";
    public const string KeyQuery = "code";

    public KeyAuthorization(HostKeys keys) => Keys = keys;

    public HostKeys Keys { get; }

    public bool Allows(AuthorizationLevel level, HttpRequest request) => level switch
    {
        AuthorizationLevel.Anonymous => true,
        AuthorizationLevel.Function => Matches(request, Keys.Function) || Matches(request, Keys.Master),
        AuthorizationLevel.Admin or AuthorizationLevel.System => Matches(request, Keys.Master),
        _ => false,
    };

    public bool AllowsBlobWebhook(HttpRequest request) => Matches(request, Keys.BlobsExtension) || Matches(request, Keys.Master);

    public bool AllowsEventGridWebhook(HttpRequest request) => Matches(request, Keys.EventGridExtension) || Matches(request, Keys.Master);

    /// <summary>Fills missing keys with random ones, keeping them in <paramref name="keysFile"/> across runs when given.</summary>
    public static HostKeys Resolve(HostKeys configured, string? keysFile)
    {
        ArgumentNullException.ThrowIfNull(configured);
        var saved = keysFile is not null && File.Exists(keysFile) ? JsonSerializer.Deserialize<HostKeys>(File.ReadAllText(keysFile)) : null;
        var keys = new HostKeys
        {
            Master = Pick(configured.Master, saved?.Master),
            Function = Pick(configured.Function, saved?.Function),
            BlobsExtension = Pick(configured.BlobsExtension, saved?.BlobsExtension),
            EventGridExtension = Pick(configured.EventGridExtension, saved?.EventGridExtension),
        };
        if (keysFile is not null)
        {
            Save(keysFile, keys);
        }

        return keys;
    }

    /// <summary>
    /// Writes the keys to a file that only its owner may read or write (created so, and made so if it existed), whole:
    /// written beside it and moved over it, so that another instance starting meanwhile never reads half a file.
    /// </summary>
    private static void Save(string keysFile, HostKeys keys)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(keysFile))!);
        var written = $"{keysFile}.{Environment.ProcessId}.tmp";
        var ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = ownerOnly;
        }

        using (var file = new FileStream(written, options))
        {
            JsonSerializer.Serialize(file, keys);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(written, ownerOnly);
        }

        File.Move(written, keysFile, overwrite: true);
    }

    private static string Pick(string configured, string? saved) =>
        !string.IsNullOrEmpty(configured) ? configured : !string.IsNullOrEmpty(saved) ? saved : Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)).Replace('+', '-').Replace('/', '_');

    private static bool Matches(HttpRequest request, string expected)
    {
        var presented = request.Headers[KeyHeader].ToString();
        if (presented.Length == 0)
        {
            presented = request.Query[KeyQuery].ToString();
        }

        return presented.Length > 0 && expected.Length > 0
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
    }
}
