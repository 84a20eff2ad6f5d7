using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ContentPipeline.Webhooks;

/// <summary>
/// How deliveries are signed, and how a receiver checks them: <c>Webhook-Signature: v1=</c> followed by the hex
/// HMAC-SHA256, keyed with the endpoint's secret, of <c>{Webhook-Timestamp}.{body}</c> (the timestamp in Unix seconds,
/// then a dot, then the body's exact bytes). A receiver recomputes it, compares in constant time, and refuses a
/// timestamp further than <see cref="ReplayWindow"/> from its clock, so a captured delivery cannot be replayed later.
/// <c>Webhook-Id</c> is the event's id: the same for every attempt and for a duplicate, so a receiver can drop repeats.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The event's id (stable across attempts and duplicates).</summary>
    public const string IdHeader = "Webhook-Id";

    /// <summary>The event type (<see cref="WebhookEvents"/>).</summary>
    public const string EventHeader = "Webhook-Event";

    /// <summary>When the attempt was signed, in Unix seconds.</summary>
    public const string TimestampHeader = "Webhook-Timestamp";

    /// <summary>The signature, <c>v1={hex}</c>.</summary>
    public const string SignatureHeader = "Webhook-Signature";

    /// <summary>How far a receiver lets a delivery's timestamp be from its own clock.</summary>
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(5);

    private const string Version = "v1=";

    /// <summary>The signature header's value for a body sent at <paramref name="timestamp"/> (Unix seconds).</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return Version + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>
    /// What a receiver does: whether <paramref name="signature"/> is the secret's signature of the body at
    /// <paramref name="timestamp"/>, and the timestamp within <see cref="ReplayWindow"/> of <paramref name="now"/>.
    /// </summary>
    public static bool Verify(string secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || signature is null
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) > ReplayWindow.TotalSeconds)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, seconds, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }
}
