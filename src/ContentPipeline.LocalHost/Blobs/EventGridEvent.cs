using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace ContentPipeline.LocalHost.Blobs;

/// <summary>
/// One event of an Event Grid webhook post (Event Grid schema, or a CloudEvents <c>type</c>): the fields the host reads,
/// each checked for its JSON type, so that a body of the wrong shape is a 400, never an exception.
/// </summary>
/// <param name="EventType">eventType (Event Grid schema) or type (CloudEvents).</param>
/// <param name="Subject">subject, e.g. <c>/blobServices/default/containers/incoming/blobs/x.txt</c>.</param>
/// <param name="Data">data, always an object.</param>
public sealed record EventGridEvent(string? EventType, string? Subject, JsonElement Data)
{
    /// <summary>The fields of <c>data</c> the host reads, all strings.</summary>
    private static readonly string[] StringDataFields = ["api", "url", "eTag", "blobType", "validationCode"];

    /// <summary>Reads a post's body: one event object or an array of them.</summary>
    public static bool TryReadAll(JsonElement body, [NotNullWhen(true)] out IReadOnlyList<EventGridEvent>? events, [NotNullWhen(false)] out string? error)
    {
        events = null;
        var items = body.ValueKind switch
        {
            JsonValueKind.Array => body.EnumerateArray().ToList(),
            JsonValueKind.Object => [body],
            _ => null,
        };
        if (items is null)
        {
            error = $"The body must be an Event Grid event (a JSON object) or an array of them, not {Describe(body)}.";
            return false;
        }

        var read = new List<EventGridEvent>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.ValueKind != JsonValueKind.Object)
            {
                error = $"Event {i} must be a JSON object, not {Describe(item)}.";
                return false;
            }

            if (!item.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                error = $"Event {i} must have a 'data' object.";
                return false;
            }

            if (!TryString(item, "eventType", out var eventType) || !TryString(item, "type", out var cloudType) || !TryString(item, "subject", out var subject))
            {
                error = $"Event {i}: 'eventType', 'type' and 'subject' must be strings when present.";
                return false;
            }

            if (StringDataFields.FirstOrDefault(name => !TryString(data, name, out _)) is { } wrong)
            {
                error = $"Event {i}: 'data.{wrong}' must be a string when present.";
                return false;
            }

            read.Add(new EventGridEvent(eventType ?? cloudType, subject, data.Clone())); // independent of the parsed document
        }

        events = read;
        error = null;
        return true;
    }

    /// <summary>A string property of <see cref="Data"/>: false when it is present with another JSON type.</summary>
    public bool TryGetData(string name, out string? value) => TryString(Data, name, out value);

    private static bool TryString(JsonElement obj, string name, out string? value)
    {
        value = null;
        if (!obj.TryGetProperty(name, out var property) || property.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (property.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = property.GetString();
        return true;
    }

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.Number => "a number",
        JsonValueKind.String => "a string",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };
}
