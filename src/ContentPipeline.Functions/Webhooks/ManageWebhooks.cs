using System.Text.Json;
using System.Text.Json.Serialization;
using ContentPipeline.Articles;
using ContentPipeline.Functions.Http;
using ContentPipeline.Storage;
using ContentPipeline.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.Functions.Webhooks;

/// <summary>
/// The editors' webhook endpoints (function key): register one (its secret shown once, in the answer), list them, look
/// one up, remove one, and read its delivery log, newest first. Secrets are never shown again.
/// </summary>
public sealed class ManageWebhooks(WebhookRegistry registry, WebhookStore store)
{
    private const int DefaultLimit = 20;
    private const int MaxLimit = 100;

    private static readonly JsonSerializerOptions RegistrationJson = new(ArticleJson.WebOptions) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    [Function(nameof(RegisterWebhook))]
    public async Task<IResult> RegisterWebhook(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Webhooks)] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (QueryParameters.RejectUnknown(request.Query) is { } unknown)
        {
            return unknown;
        }

        var (body, tooLarge) = await RequestLimits.ReadBodyAsync(request, cancellationToken).ConfigureAwait(false);
        if (tooLarge is not null)
        {
            return tooLarge;
        }

        WebhookRegistration? registration;
        try
        {
            registration = JsonSerializer.Deserialize<WebhookRegistration>(body!, RegistrationJson);
        }
        catch (JsonException ex)
        {
            return ApiResults.Problem(StatusCodes.Status400BadRequest, "Invalid registration", $"A JSON object with url, events and optionally secret and description: {ex.Message}");
        }

        if (registration is null)
        {
            return ApiResults.Problem(StatusCodes.Status400BadRequest, "Invalid registration", "A JSON object with url, events and optionally secret and description.");
        }

        WebhookEndpoint endpoint;
        try
        {
            endpoint = await registry.RegisterAsync(registration, cancellationToken).ConfigureAwait(false);
        }
        catch (WebhookRegistrationException ex)
        {
            return ApiResults.Problem(ex.IsConflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest, ex.IsConflict ? "Too many endpoints" : $"Invalid field '{ex.Field}'", ex.Message, ex.Field);
        }

        request.HttpContext.Response.Headers.CacheControl = ApiResults.PrivateCaching;
        request.HttpContext.Response.Headers.Location = $"/api/{Routes.Webhooks}/{endpoint.Id}";
        return ApiResults.Json(Represent(endpoint, withSecret: true), StatusCodes.Status201Created);
    }

    [Function(nameof(ListWebhooks))]
    public async Task<IResult> ListWebhooks(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Webhooks)] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (QueryParameters.RejectUnknown(request.Query) is { } unknown)
        {
            return unknown;
        }

        var endpoints = await store.ListEndpointsAsync(cancellationToken).ConfigureAwait(false);
        request.HttpContext.Response.Headers.CacheControl = ApiResults.PrivateCaching;
        return ApiResults.Json(new { items = endpoints.OrderBy(static e => e.CreatedAt).Select(static e => Represent(e, withSecret: false)) });
    }

    [Function(nameof(GetWebhook))]
    public async Task<IResult> GetWebhook(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Webhook)] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if ((ValidateId(id) ?? QueryParameters.RejectUnknown(request.Query)) is { } invalid)
        {
            return invalid;
        }

        request.HttpContext.Response.Headers.CacheControl = ApiResults.PrivateCaching;
        return await store.GetEndpointAsync(id, cancellationToken).ConfigureAwait(false) is { } endpoint
            ? ApiResults.Json(Represent(endpoint, withSecret: false))
            : NotFound(id);
    }

    [Function(nameof(DeleteWebhook))]
    public async Task<IResult> DeleteWebhook(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = Routes.Webhook)] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if ((ValidateId(id) ?? QueryParameters.RejectUnknown(request.Query)) is { } invalid)
        {
            return invalid;
        }

        request.HttpContext.Response.Headers.CacheControl = ApiResults.PrivateCaching;
        return await store.DeleteEndpointAsync(id, cancellationToken).ConfigureAwait(false) ? Results.NoContent() : NotFound(id);
    }

    [Function(nameof(ListWebhookDeliveries))]
    public async Task<IResult> ListWebhookDeliveries(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.WebhookDeliveries)] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ValidateId(id) is { } badId)
        {
            return badId;
        }

        if (!PageQuery.TryReadPage(request.Query, DefaultLimit, MaxLimit, out var limit, out var cursor, out var invalid))
        {
            return invalid!;
        }

        string? token = null;
        if (cursor is not null && (token = TableContinuation.FromCursor(cursor)) is null)
        {
            return ApiResults.BadParameter(QueryParameters.Cursor, "The cursor is not one this list returned.");
        }

        if (await store.GetEndpointAsync(id, cancellationToken).ConfigureAwait(false) is null)
        {
            return NotFound(id);
        }

        IReadOnlyList<WebhookDelivery> items;
        string? next;
        try
        {
            (items, next) = await store.ListDeliveriesAsync(id, limit, token, cancellationToken).ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException ex) when (token is not null && ex.Status == StatusCodes.Status400BadRequest)
        {
            return ApiResults.BadParameter(QueryParameters.Cursor, "The table service cannot continue from this cursor: start the list again without it.");
        }

        request.HttpContext.Response.Headers.CacheControl = ApiResults.PrivateCaching;
        return ApiResults.Json(new { items, cursor = next is null ? null : TableContinuation.ToCursor(next) });
    }

    private static IResult? ValidateId(string id) =>
        WebhookRegistry.IsId(id) ? null : ApiResults.BadParameter("id", "An endpoint id: 20 lowercase hexadecimal characters.");

    private static IResult NotFound(string id) =>
        ApiResults.Problem(StatusCodes.Status404NotFound, "Endpoint not found", $"There is no webhook endpoint '{id}'.");

    private static object Represent(WebhookEndpoint endpoint, bool withSecret) => new
    {
        id = endpoint.Id,
        url = endpoint.Url.AbsoluteUri,
        events = endpoint.Events,
        description = endpoint.Description,
        createdAt = endpoint.CreatedAt,
        secret = withSecret ? endpoint.Secret : null,
    };
}
