using System.Globalization;

namespace ContentPipeline.Parsing;

/// <summary>ISO 8601 dates and times as the article file and the API accept them: never through the machine's time zone.</summary>
public static class IsoDate
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ss K", "yyyy-MM-dd HH:mm:ss.FFFFFFF K",
        "yyyy-MM-dd",
    ];

    /// <summary>Reads a date and time (one without an offset is taken as UTC), in UTC.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        if (text is not null && DateTimeOffset.TryParseExact(text.Trim(), Formats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value))
        {
            value = value.ToUniversalTime();
            return true;
        }

        value = default;
        return false;
    }
}
