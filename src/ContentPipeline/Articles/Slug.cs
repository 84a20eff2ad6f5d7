using System.Text;

namespace ContentPipeline.Articles;

/// <summary>
/// Turns a category, topic or provider name into the lowercase, URL- and Table-key-safe form used in index
/// partition keys, feed paths and query parameters: <c>Computer Vision</c> becomes <c>computer-vision</c>.
/// Letters (of any script) and digits are kept; <c>#</c> and <c>+</c> become <c>sharp</c> and <c>plus</c> so that
/// <c>C#</c>, <c>C++</c> and <c>C</c> stay apart; every other run of characters becomes one hyphen.
/// </summary>
public static class Slug
{
    /// <summary>The longest slug produced; longer names are cut (keys stay far below the 1 KiB key limit).</summary>
    public const int MaxLength = 80;

    /// <summary>Computes the slug of <paramref name="name"/>; empty when the name has no letter or digit.</summary>
    public static string From(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new StringBuilder(name.Length);
        var pendingHyphen = false;
        foreach (var rune in name.Normalize(NormalizationForm.FormKC).EnumerateRunes())
        {
            string? piece = rune.Value switch
            {
                '#' => "sharp",
                '+' => "plus",
                _ when Rune.IsLetterOrDigit(rune) => Rune.ToLowerInvariant(rune).ToString(),
                _ => null,
            };
            if (piece is null)
            {
                pendingHyphen = builder.Length > 0;
                continue;
            }

            if (pendingHyphen)
            {
                builder.Append('-');
            }

            pendingHyphen = false;
            builder.Append(piece);
            if (builder.Length >= MaxLength)
            {
                break;
            }
        }

        var slug = builder.ToString();
        return slug.Length > MaxLength ? slug[..MaxLength].TrimEnd('-') : slug;
    }

    /// <summary>Whether <paramref name="value"/> is already a slug (what <see cref="From"/> returns for it).</summary>
    public static bool IsSlug(string? value) =>
        !string.IsNullOrEmpty(value) && string.Equals(From(value), value, StringComparison.Ordinal);
}
