using System.Text.Json;
using ContentPipeline.LocalHost.Blobs;
using ContentPipeline.LocalHost.Catalog;
using ContentPipeline.LocalHost.Http;
using ContentPipeline.LocalHost.Timers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Hosting;

namespace ContentPipeline.LocalHost.Admin;

/// <summary>
/// The admin API, master key only, as on Azure: <c>POST /admin/functions/{name}</c> with <c>{"input": "..."}</c> runs a
/// non-HTTP function now and answers 202 (for a blob trigger the input is <c>container/blob</c>);
/// <c>GET /admin/host/status</c> tells the host's state and how often each function ran.
/// </summary>
public static class AdminEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/admin/functions/{name}", RunAsync);
        endpoints.MapGet("/admin/host/status", Status);
    }

    private static async Task<IResult> RunAsync(string name, HttpContext context, FunctionCatalog catalog, KeyAuthorization keys, BlobTriggerDispatcher blobs, TimerScheduler timers, IHostApplicationLifetime lifetime)
    {
        if (!keys.Allows(AuthorizationLevel.Admin, context.Request))
        {
            return Results.Unauthorized();
        }

        var function = catalog.Find(name);
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
                var prefix = function.BlobContainer + "/";
                if (input is null || !input.StartsWith(prefix, StringComparison.Ordinal) || input.Length == prefix.Length)
                {
                    return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Input must name a blob", detail: $"For {function.Name}, input is \"{prefix}{{blob name}}\".");
                }

                blobs.Enqueue(new BlobWorkItem(function, input[prefix.Length..], ETag: null, Force: true));
                return Results.Accepted();
            default:
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "HTTP functions are called at their route", detail: $"{function.Name} is HTTP-triggered.");
        }
    }

    private static IResult Status(HttpContext context, FunctionCatalog catalog, KeyAuthorization keys, FunctionInvoker invoker, BlobWatcher watcher)
    {
        if (!keys.Allows(AuthorizationLevel.Admin, context.Request))
        {
            return Results.Unauthorized();
        }

        return Results.Json(new
        {
            state = "Running",
            blobScans = watcher.Scans,
            functions = catalog.Functions.Select(f => new
            {
                name = f.Name,
                trigger = f.Kind.ToString().ToLowerInvariant(),
                invocations = invoker.Counts.TryGetValue(f.Name, out var c) ? new { started = c.Started, succeeded = c.Succeeded, failed = c.Failed } : new { started = 0L, succeeded = 0L, failed = 0L },
            }),
        });
    }
}
