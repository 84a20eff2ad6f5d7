using ContentPipeline.LocalHost.Catalog;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace ContentPipeline.LocalHost.Http;

/// <summary>
/// Maps every HTTP-triggered function at <c>/{routePrefix}/{route}</c> with its methods, enforcing its authorization
/// level; a missing or wrong key is a bare 401, as on Azure. The function's <see cref="IResult"/> writes the response.
/// </summary>
public static partial class FunctionEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints, FunctionCatalog catalog, HostJson hostJson)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(hostJson);
        foreach (var function in catalog.Functions.Where(f => f.Kind == TriggerKind.Http))
        {
            var route = function.Http.Route ?? function.Name;
            var pattern = hostJson.RoutePrefix.Length == 0 ? $"/{route}" : $"/{hostJson.RoutePrefix}/{route}";
            var methods = function.Http.Methods is { Length: > 0 } m ? m.Select(x => x.ToUpperInvariant()).ToArray() : ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
            endpoints.MapMethods(pattern, methods, (HttpContext context, KeyAuthorization keys, FunctionInvoker invoker, ILoggerFactory loggers) =>
                InvokeAsync(context, function, keys, invoker, loggers.CreateLogger(typeof(FunctionEndpoints))));
        }
    }

    private static async Task InvokeAsync(HttpContext context, FunctionDescriptor function, KeyAuthorization keys, FunctionInvoker invoker, ILogger logger)
    {
        if (!keys.Allows(function.Http.AuthLevel, context.Request))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var values = context.Request.RouteValues.ToDictionary(v => v.Key, v => v.Value?.ToString(), StringComparer.OrdinalIgnoreCase);
        object? result;
        try
        {
            result = await invoker.InvokeAsync(function, new TriggerInput(Request: context.Request, Values: values), context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            // As on Azure: an unhandled exception in a function is a 500, logged with its stack.
            LogFailed(logger, ex, function.Name);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        switch (result)
        {
            case IResult r:
                await r.ExecuteAsync(context).ConfigureAwait(false);
                break;
            case null:
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            default:
                await Results.Json(result).ExecuteAsync(context).ConfigureAwait(false);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {Function} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string function);
}
