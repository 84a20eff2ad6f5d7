using System.Text.Json;
using ContentPipeline.Diagnostics;
using ContentPipeline.LocalHost.Blobs;
using ContentPipeline.LocalHost.Catalog;
using ContentPipeline.LocalHost.Events;
using ContentPipeline.LocalHost.Http;
using ContentPipeline.LocalHost.Singleton;
using ContentPipeline.LocalHost.Storage;
using ContentPipeline.LocalHost.Timers;
using ContentPipeline.LocalHost.Worker;
using Microsoft.Extensions.Options;

namespace ContentPipeline.LocalHost.Admin;

/// <summary>
/// The admin API, master key only, as on Azure: <c>POST /admin/functions/{name}</c> with <c>{"input": "..."}</c> runs a
/// non-HTTP function now and answers 202 (for a blob trigger the input is <c>container/blob</c>, and the function runs
/// once, directly, without the queue and its retries; for an Event Grid trigger it is one event's JSON); <c>GET /admin/host/status</c> tells the host's state and, here,
/// how often each function ran; <c>GET /admin/host/stages</c> (<c>DELETE</c> to start again) how long each of the host's
/// own stages took (<see cref="Diagnostics.HostTelemetry"/>).
/// </summary>
public static class AdminEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/admin/functions/{name}", RunAsync);
        endpoints.MapGet("/admin/host/status", Status);
        endpoints.MapGet("/admin/host/stages", Stages);
        endpoints.MapDelete("/admin/host/stages", ResetStages);
    }

    /// <summary>The host's own stages since it started or was reset (this stand-in's; Azure's host reports to Application Insights).</summary>
    private static IResult Stages(HttpContext context, KeyAuthorization keys, StageTimings timings) =>
        keys.Allows(AuthorizationLevel.Admin, context.Request) ? Results.Ok(timings.Snapshot()) : Results.Unauthorized();

    private static IResult ResetStages(HttpContext context, KeyAuthorization keys, StageTimings timings)
    {
        if (!keys.Allows(AuthorizationLevel.Admin, context.Request))
        {
            return Results.Unauthorized();
        }

        timings.Reset();
        return Results.NoContent();
    }

    private static async Task<IResult> RunAsync(
        string name,
        HttpContext context,
        WorkerSupervisor supervisor,
        KeyAuthorization keys,
        IFunctionInvoker invoker,
        StorageAccounts accounts,
        TimerScheduler timers,
        EventGridDelivery delivery,
        IHostApplicationLifetime lifetime)
    {
        if (!keys.Allows(AuthorizationLevel.Admin, context.Request))
        {
            return Results.Unauthorized();
        }

        var function = (await supervisor.Catalog.WaitAsync(context.RequestAborted).ConfigureAwait(false)).Find(name);
        if (function is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such function", detail: $"There is no function '{name}'.");
        }

        string? input = null;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
                if (body.RootElement.ValueKind != JsonValueKind.Object
                    || (body.RootElement.TryGetProperty("input", out var i) && i.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)))
                {
                    return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Body must be {\"input\": \"...\"}", detail: "Send a JSON object whose 'input' is a string (for a blob trigger: \"container/blob name\").");
                }

                input = i.ValueKind == JsonValueKind.String ? i.GetString() : null;
            }
            catch (JsonException ex)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Body must be JSON", detail: $"Send {{\"input\": \"...\"}}: {ex.Message}");
            }
        }

        switch (function.Kind)
        {
            case TriggerKind.Timer:
                _ = timers.RunNowAsync(function, lifetime.ApplicationStopping);
                return Results.Accepted();
            case TriggerKind.Blob:
                var parts = input?.Split('/', 2);
                if (parts is not [{ Length: > 0 } container, { Length: > 0 } blobName])
                {
                    return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Input must name a blob", detail: $"For {function.Name}, input is \"{function.Blob!.Container}/{{blob name}}\".");
                }

                // As the Azure host binds the input: a client from container and name (its URL collapses dot segments),
                // handed to the function, which checks what it was given.
                var blob = accounts.Blobs(function.Blob!.Connection).GetBlobContainerClient(container).GetBlobClient(blobName);
                _ = invoker.InvokeAsync(function, BlobTriggerInput.Create(function, blob, properties: null), lifetime.ApplicationStopping);
                return Results.Accepted();
            case TriggerKind.EventGrid:
                JsonElement eventJson;
                try
                {
                    using var parsed = JsonDocument.Parse(input ?? string.Empty);
                    eventJson = parsed.RootElement.Clone();
                }
                catch (JsonException)
                {
                    return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Input must be an event", detail: $"For {function.Name}, input is one Event Grid event as JSON text.");
                }

                _ = delivery.InvokeAsync(function, eventJson, lifetime.ApplicationStopping);
                return Results.Accepted();
            default:
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "HTTP functions are called at their route", detail: $"{function.Name} is HTTP-triggered.");
        }
    }

    private static IResult Status(HttpContext context, KeyAuthorization keys, WorkerSupervisor supervisor, WorkerInvoker invoker, EventGridStandIn events, SingletonListenerLock singleton, IOptions<LocalHostOptions> options)
    {
        if (!keys.Allows(AuthorizationLevel.Admin, context.Request))
        {
            return Results.Unauthorized();
        }

        var functions = supervisor.Catalog.IsCompletedSuccessfully ? supervisor.Catalog.Result.Functions : [];
        return Results.Json(new
        {
            state = supervisor.IsReady ? "Running" : "Initializing",
            instanceId = options.Value.InstanceId,
            singletonLocks = singleton.Held,
            worker = new { processId = supervisor.WorkerProcessId, restarts = supervisor.Restarts },
            blobScans = events.Scans,
            functions = functions.Select(f => new
            {
                name = f.Name,
                trigger = f.Kind.ToString().ToLowerInvariant(),
                invocations = invoker.Counts.TryGetValue(f.Name, out var c)
                    ? new { started = c.Started, succeeded = c.Succeeded, failed = c.Failed }
                    : new { started = 0L, succeeded = 0L, failed = 0L },
            }),
        });
    }
}
