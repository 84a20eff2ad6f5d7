using System.Security.Cryptography;
using System.Text;

namespace ContentPipeline.Articles;

/// <summary>
/// Derives an article's id from its canonical URL, so that re-uploads of the same article, under any file name,
/// land on the same id. The id is the first 80 bits of the SHA-256 of the normalised URL, as 20 lowercase hex
/// characters: URL-safe, valid as a Table key, and stable.
/// </summary>
/// <remarks>
/// Normalisation: the scheme is dropped (http and https name the same article), the host is lowercased, a default
/// port and the fragment are dropped, and one trailing slash of the path is removed. Path and query are otherwise
/// kept as written, because servers treat them as case-sensitive.
/// </remarks>
public static class ArticleId
{
    /// <summary>Length of every id.</summary>
    public const int Length = 20;

    /// <summary>Computes the id of the article whose canonical URL is <paramref name="url"/> (absolute http or https).</summary>
    public static string FromUrl(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var path = url.AbsolutePath;
        if (path.Length > 1 && path.EndsWith('/'))
        {
            path = path[..^1];
        }

        var canonical = url.IsDefaultPort
            ? $"{url.IdnHost.ToLowerInvariant()}{path}{url.Query}"
            : $"{url.IdnHost.ToLowerInvariant()}:{url.Port}{path}{url.Query}";
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(canonical), hash);
        return Convert.ToHexStringLower(hash[..(Length / 2)]);
    }

    /// <summary>Whether <paramref name="value"/> has the shape of an id (20 lowercase hex characters).</summary>
    public static bool IsWellFormed(string? value) =>
        value is { Length: Length } && value.All(static c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
