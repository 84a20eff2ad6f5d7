using System.Text.Json;
using System.Text.Json.Nodes;
using ContentPipeline.Articles;
using ContentPipeline.Storage;

namespace ContentPipeline.Functions.Http;

/// <summary>
/// The JSON of one article: every field of the file (unknown ones under <c>extensions</c>), the body and its rendered
/// HTML, and its state.
/// </summary>
internal static class ArticleRepresentation
{
    public static JsonObject Create(StoredArticle stored, Audience audience, DateTimeOffset now)
    {
        var article = audience == Audience.Editor ? stored.Article : stored.Article with { Secured = null };
        var json = JsonSerializer.SerializeToNode(article, ArticleJson.Options)!.AsObject();
        if (stored.Html is { } html)
        {
            json["html"] = html;
        }

        json["state"] = stored.StateAt(now).Name();
        json["publishedChangedAt"] = stored.PublishedChangedAt;
        json["createdAt"] = stored.CreatedAt;
        json["updatedAt"] = stored.UpdatedAt;
        json["version"] = stored.Version;
        if (audience == Audience.Editor)
        {
            json["publishedSetBy"] = stored.PublishedSetBy.ToString().ToLowerInvariant();
            json["sourceBlobName"] = stored.Source.BlobName;
            if (stored.Takedown is { } takedown)
            {
                var tombstone = new JsonObject { ["at"] = takedown.At, ["by"] = takedown.By };
                if (takedown.Reason is { } reason)
                {
                    tombstone["reason"] = reason;
                }

                json["takedown"] = tombstone;
            }
        }

        return json;
    }
}
