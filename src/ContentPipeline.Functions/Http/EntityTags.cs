using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ContentPipeline.Stories;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace ContentPipeline.Functions.Http;

/// <summary>
/// HTTP ETags of articles: the article's version (it increases with every change of content or publish state), so
/// comparing one costs nothing beyond the single table read the lookup makes anyway. A lookup's answer also says the
/// article's story, which changes without the article (another article joins, an editor splits): its tag adds a digest
/// of that, <c>"{version}-{8 hex}"</c>, so a revalidation sees the change. <c>If-Match</c> compares versions only.
/// </summary>
internal static class EntityTags
{
    public static string For(long version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");

    /// <summary>The tag of a lookup's answer: the version, and a digest of the story it names (none without one).</summary>
    public static string ForLookup(long version, StoryLink? story) => story is null
        ? For(version)
        : string.Create(CultureInfo.InvariantCulture, $"\"{version}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{story.Id}|{story.Sources}")).AsSpan(0, 4))}\"");

    /// <summary>Whether an <c>If-None-Match</c> value matches <paramref name="tag"/> (weak comparison, as RFC 9110 prescribes for it).</summary>
    public static bool NoneMatchHits(StringValues ifNoneMatch, string tag) =>
        EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags)
        && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(new EntityTagHeaderValue(tag), useStrongComparison: false));

    /// <summary>
    /// Reads <c>If-Match</c> into a precondition on the version: null when there is no header or it is <c>*</c>;
    /// otherwise true only for a version it names (strong comparison). Returns false when the header is malformed.
    /// </summary>
    public static bool TryParseIfMatch(StringValues ifMatch, out Func<long, bool>? precondition)
    {
        precondition = null;
        if (StringValues.IsNullOrEmpty(ifMatch))
        {
            return true;
        }

        if (!EntityTagHeaderValue.TryParseStrictList(ifMatch, out var tags))
        {
            return false;
        }

        if (tags.Any(t => t.Equals(EntityTagHeaderValue.Any)))
        {
            return true;
        }

        var versions = new HashSet<long>();
        foreach (var tag in tags.Where(t => !t.IsWeak))
        {
            var value = tag.Tag.AsSpan().Trim('"');
            var digest = value.IndexOf('-');
            if (long.TryParse(digest < 0 ? value : value[..digest], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                versions.Add(version);
            }
        }

        precondition = versions.Contains;
        return true;
    }
}
