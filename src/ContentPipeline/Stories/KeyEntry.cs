using System.Runtime.InteropServices;
using System.Text.Json;
using ContentPipeline.Articles;

namespace ContentPipeline.Stories;

/// <summary>
/// One article as a key's row keeps it: its fingerprint, in words (terms and hashed URLs joined by spaces, the signature
/// in base64), so that two entries of the same article as it is compare equal. A row holds a few of them as UTF-8 JSON,
/// within Table Storage's 64 KiB per property: each set capped at <see cref="MaxTerms"/> terms of at most
/// <see cref="MaxTermLength"/> characters (only a hostile file has more), and the oldest entries left out should the
/// row still be too long.
/// </summary>
internal sealed record KeyEntry(string Article, string Headline, string Names, string Signature, string Url, string Related, DateTimeOffset Published)
{
    /// <summary>Most terms kept of each set of a fingerprint.</summary>
    public const int MaxTerms = 100;

    /// <summary>Longest term kept.</summary>
    public const int MaxTermLength = 50;

    /// <summary>Most bytes of a row's entries (Table Storage takes 64 KiB per binary property).</summary>
    public const int MaxBytes = 60_000;

    private const char Separator = ' ';

    /// <summary>The entry of <paramref name="articleId"/> with <paramref name="fingerprint"/>.</summary>
    public static KeyEntry Of(string articleId, StoryFingerprint fingerprint) => new(
        articleId,
        Join(fingerprint.HeadlineTerms),
        Join(fingerprint.Names),
        Convert.ToBase64String(MemoryMarshal.AsBytes(fingerprint.Signature.AsSpan())),
        fingerprint.Url,
        Join(fingerprint.RelatedUrls),
        fingerprint.Published);

    /// <summary>The fingerprint this entry keeps.</summary>
    public StoryFingerprint Fingerprint()
    {
        var signature = MemoryMarshal.Cast<byte, ulong>(Convert.FromBase64String(Signature)).ToArray();
        return new StoryFingerprint(
            Split(Headline),
            Split(Names),
            signature.Length == StoryFingerprint.Hashes ? signature : Enumerable.Repeat(ulong.MaxValue, StoryFingerprint.Hashes).ToArray(),
            Url,
            Split(Related),
            Published);
    }

    /// <summary>A row's entries (newest first) as stored: the oldest left out while they exceed <see cref="MaxBytes"/>.</summary>
    public static byte[] Encode(IReadOnlyList<KeyEntry> entries)
    {
        for (var count = entries.Count; ; count--)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(entries.Take(count), ArticleJson.Options);
            if (bytes.Length <= MaxBytes || count == 1)
            {
                return bytes;
            }
        }
    }

    /// <summary>A row's entries; none when it holds none, or nothing readable (its next write replaces it).</summary>
    public static IReadOnlyList<KeyEntry> Decode(byte[]? bytes)
    {
        if (bytes is not { Length: > 0 })
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<List<KeyEntry>>(bytes, ArticleJson.Options) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static string Join(IEnumerable<string> terms) =>
        string.Join(Separator, terms.Take(MaxTerms).Select(static t => t.Length > MaxTermLength ? t[..MaxTermLength] : t));

    private static HashSet<string> Split(string text) =>
        text.Split(Separator, StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
}
