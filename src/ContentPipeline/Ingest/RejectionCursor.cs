using System.Buffers.Text;
using System.Globalization;
using System.Text;
using ContentPipeline.Storage;

namespace ContentPipeline.Ingest;

/// <summary>
/// The opaque cursor of the rejected files' list: which of its prefixes it is in, and the blob service's continuation
/// marker there (none: that prefix from its start), as base64url.
/// </summary>
internal static class RejectionCursor
{
    private const char Separator = '|';

    /// <summary>The longest marker kept (the service's markers are far shorter).</summary>
    private const int MaxMarkerLength = 2_048;

    public static string Encode(int prefix, string? marker) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{prefix}{Separator}{marker}")));

    /// <exception cref="InvalidCursorException">The cursor is not one <see cref="Encode"/> wrote.</exception>
    public static (int Prefix, string? Marker) Decode(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (text.Split(Separator, 2) is [var prefix and ("0" or "1"), var marker] && marker.Length <= MaxMarkerLength && !marker.Any(char.IsControl))
            {
                return (prefix[0] - '0', marker.Length == 0 ? null : marker);
            }
        }
        catch (FormatException)
        {
            // Not base64url: said below.
        }

        throw new InvalidCursorException("The cursor is not one this list returned.");
    }
}
