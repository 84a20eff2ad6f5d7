using System.Text.Json;
using ContentPipeline.LocalHost.Blobs;

namespace ContentPipeline.LocalHost.Events;

/// <summary>
/// What the host's two Event Grid webhooks (the blobs extension's and the Event Grid extension's) share: reading a post
/// (one event or an array, each field checked for its type), the <c>aeg-event-type</c> header, and the
/// <c>SubscriptionValidation</c> handshake.
/// </summary>
public sealed record EventGridPost(string EventType, JsonElement Body, IReadOnlyList<EventGridEvent> Events)
{
    public const string Validation = "SubscriptionValidation";
    public const string Notification = "Notification";
    public const string Unsubscribe = "Unsubscribe";

    /// <summary>The header that says what kind of post it is.</summary>
    public const string EventTypeHeader = "aeg-event-type";

    /// <summary>
    /// Answers a webhook post as both extensions do: the handshake, 202 for <c>Unsubscribe</c>, a 400 for a body of the
    /// wrong shape or an unknown <c>aeg-event-type</c>, and <paramref name="notify"/>'s answer for a notification.
    /// </summary>
    public static async Task<IResult> AnswerAsync(HttpRequest request, Func<EventGridPost, Task<IResult>> notify)
    {
        ArgumentNullException.ThrowIfNull(notify);
        var (post, problem) = await ReadAsync(request).ConfigureAwait(false);
        if (post is null)
        {
            return problem!;
        }

        return post.EventType switch
        {
            Validation => post.Handshake(),
            Notification => await notify(post).ConfigureAwait(false),
            Unsubscribe => Results.Accepted(),
            _ => UnknownEventType(),
        };
    }

    /// <summary>Each event of a notification as the JSON it came as.</summary>
    public IReadOnlyList<JsonElement> Items => Body.ValueKind == JsonValueKind.Array ? [.. Body.EnumerateArray()] : [Body];

    /// <summary>Reads the post; on failure, the 400 to answer (nothing of it is acted on).</summary>
    private static async Task<(EventGridPost? Post, IResult? Problem)> ReadAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
            var body = document.RootElement.Clone();
            return EventGridEvent.TryReadAll(body, out var events, out var error)
                ? (new EventGridPost(request.Headers[EventTypeHeader].ToString(), body, events), null)
                : (null, BadPayload(error));
        }
        catch (JsonException ex)
        {
            return (null, BadPayload(ex.Message));
        }
    }

    /// <summary>The answer to the handshake: the first event's <c>data.validationCode</c> echoed back.</summary>
    private IResult Handshake() =>
        Events.Count > 0 && Events[0].TryGetData("validationCode", out var code) && code is not null
            ? Results.Json(new { validationResponse = code })
            : BadPayload("A SubscriptionValidation event carries data.validationCode, a string.");

    /// <summary>The answer to a post whose <c>aeg-event-type</c> is none of the three.</summary>
    private static IResult UnknownEventType() =>
        BadPayload($"The {EventTypeHeader} header must be {Validation}, {Notification} or {Unsubscribe}.");

    public static IResult BadPayload(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not an Event Grid payload", detail: detail);
}
