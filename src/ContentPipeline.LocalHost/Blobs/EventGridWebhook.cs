using System.Text.Json;
using ContentPipeline.LocalHost.Catalog;
using ContentPipeline.LocalHost.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ContentPipeline.LocalHost.Blobs;

/// <summary>
/// The blob extension's Event Grid webhook, as the Azure host serves it:
/// <c>POST /runtime/webhooks/blobs?functionName=Host.Functions.{name}&amp;code={blobs_extension key}</c>.
/// Answers the subscription validation handshake; queues <c>Microsoft.Storage.BlobCreated</c> events whose
/// <c>data.api</c> is a finished write (PutBlob, PutBlockList, CopyBlob, FlushWithClose) and ignores the rest.
/// </summary>
public static class EventGridWebhook
{
    public const string Path = "/runtime/webhooks/blobs";

    private const string FunctionPrefix = "Host.Functions.";
    private const string EventTypeHeader = "aeg-event-type";
    private const string BlobCreated = "Microsoft.Storage.BlobCreated";
    private static readonly string[] FinishedWrites = ["PutBlob", "PutBlockList", "CopyBlob", "FlushWithClose"];

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Path, HandleAsync);
    }

    private static async Task<IResult> HandleAsync(HttpContext context, FunctionCatalog catalog, KeyAuthorization keys, BlobTriggerDispatcher dispatcher)
    {
        if (!keys.AllowsBlobWebhook(context.Request))
        {
            return Results.Unauthorized();
        }

        var name = context.Request.Query["functionName"].ToString();
        var function = name.StartsWith(FunctionPrefix, StringComparison.Ordinal) ? catalog.Find(name[FunctionPrefix.Length..]) : null;
        if (function is not { Kind: TriggerKind.Blob })
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such blob-triggered function", detail: $"functionName must be {FunctionPrefix}{{name}} of a blob-triggered function; got '{name}'.");
        }

        JsonDocument body;
        try
        {
            body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not an Event Grid payload", detail: ex.Message);
        }

        using (body)
        {
            if (!EventGridEvent.TryReadAll(body.RootElement, out var events, out var error))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not an Event Grid payload", detail: error);
            }

            if (context.Request.Headers[EventTypeHeader] == "SubscriptionValidation")
            {
                string? code = null;
                if (events.Count == 0 || !events[0].TryGetData("validationCode", out code) || code is null)
                {
                    return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "No validation code", detail: "A SubscriptionValidation event carries data.validationCode, a string.");
                }

                return Results.Json(new { validationResponse = code });
            }

            var queued = 0;
            foreach (var e in events)
            {
                if (ToWorkItem(function, e) is { } item && dispatcher.Enqueue(item))
                {
                    queued++;
                }
            }

            return Results.Accepted(value: new { queued });
        }
    }

    private static BlobWorkItem? ToWorkItem(FunctionDescriptor function, EventGridEvent e)
    {
        if (e.EventType != BlobCreated || !e.TryGetData("api", out var api) || api is null || !FinishedWrites.Contains(api, StringComparer.Ordinal))
        {
            return null;
        }

        // subject: /blobServices/default/containers/{container}/blobs/{name}
        var subject = e.Subject ?? string.Empty;
        var prefix = $"/blobServices/default/containers/{function.BlobContainer}/blobs/";
        if (!subject.StartsWith(prefix, StringComparison.Ordinal) || subject.Length == prefix.Length)
        {
            return null;
        }

        return new BlobWorkItem(function, subject[prefix.Length..], e.TryGetData("eTag", out var etag) && !string.IsNullOrEmpty(etag) ? etag : null);
    }
}
