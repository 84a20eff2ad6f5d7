using System.Globalization;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace ContentPipeline.Functions.Http;

/// <summary>
/// HTTP ETags of articles: the article's version (it increases with every change of content or publish state), so
/// comparing one costs nothing beyond the single table read the lookup makes anyway.
/// </summary>
internal static class EntityTags
{
    public static string For(long version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");

    /// <summary>Whether an <c>If-None-Match</c> value matches (weak comparison, as RFC 9110 prescribes for it).</summary>
    public static bool NoneMatchHits(StringValues ifNoneMatch, long version) =>
        EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags)
        && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(new EntityTagHeaderValue(For(version)), useStrongComparison: false));

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
            if (long.TryParse(tag.Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                versions.Add(version);
            }
        }

        precondition = versions.Contains;
        return true;
    }
}
