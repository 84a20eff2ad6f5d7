using System.Buffers.Text;
using System.Text;
using System.Text.RegularExpressions;

namespace ContentPipeline.Storage;

/// <summary>
/// The table service's continuation token as the SDK writes it (next partition key and next row key, each an opaque
/// base64-like string, separated by one space), and its opaque form in an API cursor (base64url).
/// </summary>
public static partial class TableContinuation
{
    /// <summary>Whether <paramref name="token"/> has the shape of a continuation token (checked before it reaches the service).</summary>
    public static bool IsWellFormed(string? token) => token is not null && Shape().IsMatch(token);

    /// <summary>The token as an opaque cursor.</summary>
    public static string ToCursor(string token) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(token));

    /// <summary>The token inside a cursor from <see cref="ToCursor"/>, or null when it is not one.</summary>
    public static string? FromCursor(string cursor)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        try
        {
            var token = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return IsWellFormed(token) ? token : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9!*+/=_-]{1,1024} [A-Za-z0-9!*+/=_-]{1,1024}$")]
    private static partial Regex Shape();
}
