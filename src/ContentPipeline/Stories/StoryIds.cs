using System.Security.Cryptography;
using System.Text;
using ContentPipeline.Articles;

namespace ContentPipeline.Stories;

/// <summary>Story ids: the shape of article ids (20 lowercase hex characters), so one check serves both.</summary>
public static class StoryIds
{
    /// <summary>Whether <paramref name="value"/> has the shape of a story id.</summary>
    public static bool IsWellFormed(string? value) => ArticleId.IsWellFormed(value);

    /// <summary>A new story id derived from an existing id and what made it (a split, an article's own new story).</summary>
    public static string Derive(string id, string reason)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"story|{id}|{reason}"), hash);
        return Convert.ToHexStringLower(hash[..(ArticleId.Length / 2)]);
    }
}
