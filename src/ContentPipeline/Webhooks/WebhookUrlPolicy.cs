using System.Net;
using System.Net.Sockets;

namespace ContentPipeline.Webhooks;

/// <summary>
/// Which endpoint URLs and addresses deliveries may reach. Production: https, and only public addresses, so that no
/// registered endpoint turns the app into a way into its own network (loopback, private ranges, link-local with the
/// cloud's metadata service, carrier-grade NAT, multicast...). The URL is checked when registered; the address it
/// resolves to is checked at every connection.
/// </summary>
public static class WebhookUrlPolicy
{
    /// <summary>Longest endpoint URL.</summary>
    public const int MaxUrlLength = 2048;

    /// <summary>Why <paramref name="text"/> cannot be an endpoint, or null when it can.</summary>
    public static string? Problem(string? text, bool allowPrivateNetworks, out Uri? url)
    {
        url = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxUrlLength || !Uri.TryCreate(text, UriKind.Absolute, out var parsed))
        {
            return $"An absolute URL of at most {MaxUrlLength} characters.";
        }

        if (parsed.Scheme != Uri.UriSchemeHttps && !(allowPrivateNetworks && parsed.Scheme == Uri.UriSchemeHttp))
        {
            return "The endpoint must use https.";
        }

        if (!string.IsNullOrEmpty(parsed.UserInfo) || !string.IsNullOrEmpty(parsed.Fragment))
        {
            return "The endpoint URL may not carry credentials or a fragment.";
        }

        if (!allowPrivateNetworks && (parsed.IsLoopback || (IPAddress.TryParse(parsed.DnsSafeHost, out var address) && !IsPublic(address))
            || parsed.DnsSafeHost.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase) || !parsed.DnsSafeHost.Contains('.', StringComparison.Ordinal)))
        {
            return "The endpoint must be on a public address (not loopback, a private range or a single-label name).";
        }

        url = parsed;
        return null;
    }

    /// <summary>Whether a delivery may connect to <paramref name="address"/>.</summary>
    public static bool Allows(IPAddress address, bool allowPrivateNetworks)
    {
        ArgumentNullException.ThrowIfNull(address);
        return allowPrivateNetworks || IsPublic(address);
    }

    /// <summary>Azure's platform endpoint (DNS, health, the wire server): public-looking, but inside every Azure network.</summary>
    private static readonly IPAddress AzurePlatform = IPAddress.Parse("168.63.129.16");

    /// <summary>
    /// The IPv4 address an IPv6 one carries and reaches: IPv4-mapped (<c>::ffff:a.b.c.d</c>), IPv4-compatible
    /// (<c>::a.b.c.d</c>), NAT64 (<c>64:ff9b::/96</c>) and 6to4 (<c>2002:aabb:ccdd::/48</c>); null for any other.
    /// </summary>
    private static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var b = address.GetAddressBytes();
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] <= 1)) // ::a.b.c.d, not :: or ::1
        {
            return new IPAddress(b.AsSpan(12, 4));
        }

        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
        {
            return new IPAddress(b.AsSpan(12, 4));
        }

        return b[0] == 0x20 && b[1] == 0x02 ? new IPAddress(b.AsSpan(2, 4)) : null;
    }

    /// <summary>Whether an address is a public unicast one.</summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (EmbeddedIPv4(address) is { } embedded)
        {
            address = embedded; // judged by the IPv4 address it reaches
        }

        if (address.Equals(AzurePlatform))
        {
            return false;
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224 // this network, private, loopback, multicast and reserved
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) // carrier-grade NAT
                || (b[0] == 169 && b[1] == 254) // link-local (the metadata service)
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0) // IETF protocol assignments
                || (b[0] == 198 && (b[1] == 18 || b[1] == 19))); // benchmarking
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (b[0] & 0xFE) == 0xFC); // fc00::/7 unique local
        }

        return false;
    }
}
