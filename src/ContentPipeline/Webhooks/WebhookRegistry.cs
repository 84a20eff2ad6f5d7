using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace ContentPipeline.Webhooks;

/// <summary>
/// Registers and removes endpoints: the URL must pass <see cref="WebhookUrlPolicy"/>, the events be known ones, the
/// secret (generated when none is given: 32 random bytes, hex) long enough to make forged signatures hopeless.
/// </summary>
public sealed class WebhookRegistry(WebhookStore store, IOptions<WebhookOptions> options, TimeProvider time)
{
    /// <summary>Shortest secret an editor may choose.</summary>
    public const int MinSecretLength = 16;

    /// <summary>Longest secret.</summary>
    public const int MaxSecretLength = 256;

    /// <summary>Longest description.</summary>
    public const int MaxDescriptionLength = 200;

    private const int IdBytes = 10;
    private const int SecretBytes = 32;

    /// <summary>Whether <paramref name="id"/> has the shape of an endpoint id (20 lowercase hex characters).</summary>
    public static bool IsId(string? id) => id is { Length: IdBytes * 2 } && !id.AsSpan().ContainsAnyExcept("0123456789abcdef");

    /// <summary>Registers an endpoint; returns it, its secret included (the only time it is shown).</summary>
    /// <exception cref="WebhookRegistrationException">A field is invalid, or the endpoint limit is reached.</exception>
    public async Task<WebhookEndpoint> RegisterAsync(WebhookRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var settings = options.Value;
        if (WebhookUrlPolicy.Problem(registration.Url, settings.AllowPrivateNetworks, out var url) is { } problem)
        {
            throw new WebhookRegistrationException("url", problem);
        }

        if (registration.Events is not { Count: > 0 } events || events.Any(e => !WebhookEvents.All.Contains(e, StringComparer.Ordinal)))
        {
            throw new WebhookRegistrationException("events", $"One or more of {string.Join(", ", WebhookEvents.All)}.");
        }

        if (registration.Secret is { } secret && (secret.Length is < MinSecretLength or > MaxSecretLength || secret.Any(static c => c is <= ' ' or > '~')))
        {
            throw new WebhookRegistrationException("secret", $"{MinSecretLength} to {MaxSecretLength} printable ASCII characters without spaces (or none: one is generated).");
        }

        if (registration.Description is { Length: > MaxDescriptionLength } || registration.Description?.Any(char.IsControl) == true)
        {
            throw new WebhookRegistrationException("description", $"At most {MaxDescriptionLength} characters on one line.");
        }

        if ((await store.ListEndpointsAsync(cancellationToken).ConfigureAwait(false)).Count >= settings.MaxEndpoints)
        {
            throw new WebhookRegistrationException("url", $"{settings.MaxEndpoints} endpoints are registered already (Webhooks:MaxEndpoints): remove one first.", conflict: true);
        }

        var endpoint = new WebhookEndpoint(
            RandomNumberGenerator.GetHexString(IdBytes * 2, lowercase: true), url!, [.. events.Distinct(StringComparer.Ordinal)],
            registration.Secret ?? RandomNumberGenerator.GetHexString(SecretBytes * 2, lowercase: true), registration.Description, time.GetUtcNow());
        await store.AddEndpointAsync(endpoint, cancellationToken).ConfigureAwait(false);
        return endpoint;
    }
}
