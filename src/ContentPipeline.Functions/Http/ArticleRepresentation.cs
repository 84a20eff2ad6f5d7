using System.Buffers;
using System.Text.Json;
using ContentPipeline.Articles;
using ContentPipeline.Storage;
using ContentPipeline.Stories;

namespace ContentPipeline.Functions.Http;

/// <summary>
/// The JSON of one article: every field of the file (unknown ones under <c>extensions</c>), the body and its rendered
/// HTML, and its state.
/// </summary>
/// <remarks>
/// Written straight to UTF-8, without a DOM: the article's own fields as the serializer writes them, and the service's
/// fields written beside them, joined into one object. A lookup is the API's hottest path and its body and HTML are most of the response; building
/// a <c>JsonObject</c> of them first cost more than the rest of the request's work in the worker.
/// </remarks>
internal static class ArticleRepresentation
{
    public static byte[] Create(StoredArticle stored, Audience audience, DateTimeOffset now, StoryLink? story = null)
    {
        var article = audience == Audience.Editor ? stored.Article : stored.Article with { Secured = null };
        var fields = JsonSerializer.SerializeToUtf8Bytes(article, ArticleJson.WebOptions);
        var service = new ArrayBufferWriter<byte>((stored.Html?.Length ?? 0) + 512);
        using (var writer = new Utf8JsonWriter(service, new JsonWriterOptions { Encoder = ArticleJson.WebOptions.Encoder }))
        {
            writer.WriteStartObject();
            if (stored.Html is { } html)
            {
                writer.WriteString("html", html);
            }

            writer.WriteString("state", stored.StateAt(now).Name());
            writer.WriteString("publishedChangedAt", stored.PublishedChangedAt);
            writer.WriteString("createdAt", stored.CreatedAt);
            writer.WriteString("updatedAt", stored.UpdatedAt);
            writer.WriteNumber("version", stored.Version);
            if (story is not null)
            {
                writer.WriteStartObject("story");
                writer.WriteString("id", story.Id);
                writer.WriteNumber("sources", story.Sources);
                writer.WriteEndObject();
            }
            if (audience == Audience.Editor)
            {
                writer.WriteString("publishedSetBy", stored.PublishedSetBy.ToString().ToLowerInvariant());
                writer.WriteString("sourceBlobName", stored.Source.BlobName);
                if (stored.Takedown is { } takedown)
                {
                    writer.WriteStartObject("takedown");
                    writer.WriteString("at", takedown.At);
                    writer.WriteString("by", takedown.By);
                    if (takedown.Reason is { } reason)
                    {
                        writer.WriteString("reason", reason);
                    }

                    writer.WriteEndObject();
                }
            }

            writer.WriteEndObject();
        }

        // Two non-empty objects, {a} and {b} (an article always has its id, the service always the state): {a,b}.
        var written = service.WrittenSpan;
        var json = new byte[fields.Length + written.Length - 1];
        fields.AsSpan(0, fields.Length - 1).CopyTo(json);
        json[fields.Length - 1] = (byte)',';
        written[1..].CopyTo(json.AsSpan(fields.Length));
        return json;
    }
}
