using ContentPipeline.LocalHost.Catalog;
using ContentPipeline.LocalHost.Http;
using ContentPipeline.LocalHost.Worker;

namespace ContentPipeline.LocalHost.Events;

/// <summary>
/// The Event Grid extension's webhook, as the Azure host serves it:
/// <c>POST /runtime/webhooks/EventGrid?functionName={name}&amp;code={eventgrid_extension key}</c>, answering by the
/// <c>aeg-event-type</c> header. <c>SubscriptionValidation</c>: the handshake. <c>Notification</c>: the function runs
/// once per event, in order, before the answer; 202 when every run succeeded, 500 otherwise, so that Event Grid
/// delivers the events again (its retries and dead-lettering are the subscription's). A body of the wrong shape is a
/// 400 and runs nothing.
/// </summary>
public static class EventGridWebhook
{
    public const string Path = "/runtime/webhooks/EventGrid";

    public static void Map(IEndpointRouteBuilder endpoints) => endpoints.MapPost(Path, HandleAsync);

    private static async Task<IResult> HandleAsync(HttpContext context, WorkerSupervisor supervisor, KeyAuthorization keys, EventGridDelivery delivery)
    {
        if (!keys.AllowsEventGridWebhook(context.Request))
        {
            return Results.Unauthorized();
        }

        var name = context.Request.Query["functionName"].ToString();
        var catalog = await supervisor.Catalog.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        if (catalog.Find(name) is not { Kind: TriggerKind.EventGrid } function)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such Event Grid-triggered function", detail: $"functionName must name an Event Grid-triggered function; got '{name}'.");
        }

        return await EventGridPost.AnswerAsync(context.Request, async post =>
        {
            foreach (var item in post.Items)
            {
                var result = await delivery.InvokeAsync(function, item, context.RequestAborted).ConfigureAwait(false);
                if (!result.Succeeded)
                {
                    return Results.StatusCode(StatusCodes.Status500InternalServerError);
                }
            }

            return Results.Accepted();
        }).ConfigureAwait(false);
    }
}
