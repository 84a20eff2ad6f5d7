using ContentPipeline.LocalHost.Events;
using ContentPipeline.LocalHost.Http;

namespace ContentPipeline.LocalHost.Blobs;

/// <summary>
/// The blobs extension's Event Grid webhook, as the Azure host serves it:
/// <c>POST /runtime/webhooks/blobs?functionName=Host.Functions.{name}&amp;code={blobs_extension key}</c>, answering by the
/// <c>aeg-event-type</c> header. <c>SubscriptionValidation</c>: the handshake. <c>Notification</c>: every event becomes a
/// message on the blob-trigger queue (container and name from <c>data.url</c>) and the answer is 202; like Azure's, it
/// does not filter event types or APIs, which is the subscription's job. Unlike Azure's (which answers 500), a body of
/// the wrong shape is a 400 and nothing of it is queued.
/// <para>
/// Like Azure's, it queues the <c>functionName</c> it is given as the message's function id, whatever it is, and answers
/// 202: only the queue's listener compares it, exactly, with the ids the app registers
/// (<see cref="Catalog.FunctionCatalog.FindRegistered"/>), and deletes a message for any other id as done. A subscription
/// whose URL names the function in another case, or without <c>Host.Functions.</c>, loses its events quietly; the
/// sweep is what still ingests those blobs, and <c>infra/</c> pins the exact name.
/// </para>
/// </summary>
public static class BlobWebhook
{
    public const string Path = "/runtime/webhooks/blobs";

    public static void Map(IEndpointRouteBuilder endpoints) => endpoints.MapPost(Path, HandleAsync);

    private static async Task<IResult> HandleAsync(HttpContext context, KeyAuthorization keys, BlobTriggerQueue queue)
    {
        if (!keys.AllowsBlobWebhook(context.Request))
        {
            return Results.Unauthorized();
        }

        var functionId = context.Request.Query["functionName"].ToString();
        if (functionId.Length == 0)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "No function name", detail: "The webhook URL names the blob-triggered function: functionName=Host.Functions.{name}.");
        }

        return await EventGridPost.AnswerAsync(context.Request, async post =>
        {
            var urls = new List<(Uri Url, EventGridEvent Event)>(post.Events.Count);
            foreach (var e in post.Events)
            {
                if (!e.TryGetData("url", out var url) || !Uri.TryCreate(url, UriKind.Absolute, out var blobUrl))
                {
                    return EventGridPost.BadPayload("Every notification's data.url must be the blob's absolute URL.");
                }

                urls.Add((blobUrl, e));
            }

            foreach (var (url, e) in urls)
            {
                e.TryGetData("eTag", out var etag);
                e.TryGetData("blobType", out var blobType);
                await queue.EnqueueAsync(functionId, url, etag, blobType, context.RequestAborted).ConfigureAwait(false);
            }

            return Results.Accepted(value: new { queued = urls.Count });
        }).ConfigureAwait(false);
    }
}
