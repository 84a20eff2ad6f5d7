using System.Buffers.Text;
using System.Globalization;
using System.Text;
using ContentPipeline.Storage;

namespace ContentPipeline.Changes;

/// <summary>
/// Where a sync client stands, as an opaque token (base64url): either inside the first sync (the published list's
/// continuation, and the change-log position the sync started from) or past it (the last change-log key it was given).
/// Parsed strictly: a token that is not one this API wrote is refused before it reaches storage.
/// </summary>
public sealed record SyncToken
{
    private const char Separator = '|';
    private const string InitialKind = "i";
    private const string DeltaKind = "d";

    private SyncToken(string after, string? continuation) => (After, Continuation) = (after, continuation);

    /// <summary>The change-log key after which the client's changes start.</summary>
    public string After { get; }

    /// <summary>During the first sync: the published list's continuation (null once it is read to the end).</summary>
    public string? Continuation { get; }

    /// <summary>When the change-log position was taken: older than the retention, the log may have lost entries since.</summary>
    public DateTimeOffset Stamp => ChangeLog.TryStampOf(After, out var at) ? at
        : new DateTimeOffset(long.Parse(After, NumberStyles.None, CultureInfo.InvariantCulture), TimeSpan.Zero);

    /// <summary>A first sync's next page.</summary>
    public static SyncToken Initial(string after, string continuation) => new(after, continuation);

    /// <summary>The changes after a change-log key.</summary>
    public static SyncToken Delta(string after) => new(after, null);

    /// <summary>The token as the API gives it.</summary>
    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
        Continuation is null ? $"{DeltaKind}{Separator}{After}" : $"{InitialKind}{Separator}{After}{Separator}{Continuation}"));

    /// <summary>The token a client sent back, or null when it is not one this API wrote.</summary>
    public static SyncToken? TryParse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text));
        }
        catch (FormatException)
        {
            return null;
        }

        // "d|{position}" (a position may hold separators itself), or "i|{position}|{continuation}".
        var rest = decoded.Length > 2 && decoded[1] == Separator ? decoded[2..] : string.Empty;
        if (decoded.StartsWith(DeltaKind, StringComparison.Ordinal))
        {
            return IsPosition(rest) ? Delta(rest) : null;
        }

        var split = rest.LastIndexOf(Separator);
        return decoded.StartsWith(InitialKind, StringComparison.Ordinal) && split > 0 && IsPosition(rest[..split]) && TableContinuation.IsWellFormed(rest[(split + 1)..])
            ? Initial(rest[..split], rest[(split + 1)..])
            : null;
    }

    /// <summary>A change-log key, or a bare time (19 digits, as <see cref="ChangeLog.KeyAt"/> writes it).</summary>
    private static bool IsPosition(string value) =>
        ChangeLog.TryStampOf(value, out _)
        || (value.Length == 19 && !value.AsSpan().ContainsAnyExceptInRange('0', '9')
            && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTimeOffset.MaxValue.UtcTicks);
}
