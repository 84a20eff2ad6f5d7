using System.Security.Cryptography;
using System.Text;

namespace ContentPipeline.Ingest;

/// <summary>
/// The table key of a blob name, for the per-blob outcome records. Table keys may not contain <c>/ \ # ?</c> or control
/// characters, and a sweep must read the records of a listed page of blobs with one range query, so the encoding keeps
/// ordinal order: each forbidden character F becomes two characters, its predecessor F-1 then <c>~</c>, and F-1 itself
/// becomes F-1 then <c>!</c> (so <c>.</c> is <c>.!</c> and <c>/</c> is <c>.~</c>): monotone and prefix-free, hence
/// order-preserving. A name that would still not fit a key (control characters, over 1,000 characters once encoded)
/// gets a hashed key in a partition of its own, read one at a time.
/// </summary>
public readonly record struct SourceKey(string PartitionKey, string RowKey, bool IsHashed)
{
    /// <summary>The longest encoded key kept in order (the service allows 1,024 characters).</summary>
    public const int MaxOrderedLength = 1_000;

    private const string Forbidden = "#/?";

    /// <summary>The key of <paramref name="blobName"/> in <paramref name="container"/>.</summary>
    public static SourceKey For(string container, string blobName)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(blobName);
        var encoded = Encode(blobName);
        return encoded is { Length: > 0 and <= MaxOrderedLength }
            ? new SourceKey(container, encoded, IsHashed: false)
            : new SourceKey($"{container}-hashed", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(blobName))), IsHashed: true);
    }

    /// <summary>The order-preserving encoding, or null when the name holds a character no key may hold.</summary>
    private static string? Encode(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        foreach (var c in name)
        {
            if (char.IsControl(c) || c == '\\')
            {
                return null;
            }

            if (Forbidden.Contains(c, StringComparison.Ordinal))
            {
                builder.Append((char)(c - 1)).Append('~');
            }
            else if (Forbidden.Contains((char)(c + 1), StringComparison.Ordinal))
            {
                builder.Append(c).Append('!');
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
