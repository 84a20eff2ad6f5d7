using ContentPipeline.LocalHost.Events;
using ContentPipeline.LocalHost.Http;
using ContentPipeline.LocalHost.Worker;

namespace ContentPipeline.LocalHost.Blobs;

/// <summary>
/// The blobs extension's Event Grid webhook, as the Azure host serves it:
/// <c>POST /runtime/webhooks/blobs?functionName=Host.Functions.{name}&amp;code={blobs_extension key}</c>, answering by the
/// <c>aeg-event-type</c> header. <c>SubscriptionValidation</c>: the handshake. <c>Notification</c>: every event becomes a
/// message on the blob-trigger queue (container and name from <c>data.url</c>) and the answer is 202; like Azure's, it
/// does not filter event types or APIs, which is the subscription's job. Unlike Azure's (which answers 500), a body of
/// the wrong shape is a 400 and nothing of it is queued.
/// </summary>
public static class BlobWebhook
{
    public const string Path = "/runtime/webhooks/blobs";

    public static void Map(IEndpointRouteBuilder endpoints) => endpoints.MapPost(Path, HandleAsync);

    private static async Task<IResult> HandleAsync(HttpContext context, WorkerSupervisor supervisor, KeyAuthorization keys, BlobTriggerQueue queue)
    {
        if (!keys.AllowsBlobWebhook(context.Request))
        {
            return Results.Unauthorized();
        }

        var name = context.Request.Query["functionName"].ToString();
        var catalog = await supervisor.Catalog.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        if (catalog.Find(name) is not { Blob.UsesEventGrid: true } function)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such blob-triggered function", detail: $"functionName must be Host.Functions.{{name}} of a blob trigger with the Event Grid source; got '{name}'.");
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
                await queue.EnqueueAsync(function, url, etag, blobType, context.RequestAborted).ConfigureAwait(false);
            }

            return Results.Accepted(value: new { queued = urls.Count });
        }).ConfigureAwait(false);
    }
}
