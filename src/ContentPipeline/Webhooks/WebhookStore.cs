using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using ContentPipeline.Storage;

namespace ContentPipeline.Webhooks;

/// <summary>
/// The webhooks table: one row per endpoint (partition <c>endpoints</c>), each endpoint's delivery log newest first
/// (partition <c>deliveries|{endpoint}</c>, RowKey the delivery's id: inverted ticks, a dash, a random part), and the
/// dispatcher's place in the change log.
/// </summary>
public sealed class WebhookStore(TableServiceClient tables)
{
    private const string EndpointsPartition = "endpoints";
    private const string DeliveriesPrefix = "deliveries|";
    private const string CursorPartition = "cursor";
    private const string CursorRow = "changes";
    private const string PositionProperty = "Position";
    private const string EventsSeparator = ",";

    private readonly TableClient _table = tables.GetTableClient(StorageNames.WebhooksTable);

    /// <summary>A new delivery's id: its log sorts newest first.</summary>
    public static string NewDeliveryId(DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks:D19}-{Guid.NewGuid():N}");

    /// <summary>Whether <paramref name="value"/> has the shape of a delivery id.</summary>
    public static bool IsDeliveryId(string? value) =>
        value is { Length: 19 + 1 + 32 } && value[19] == '-' && !value.AsSpan(0, 19).ContainsAnyExceptInRange('0', '9')
        && !value.AsSpan(20).ContainsAnyExcept("0123456789abcdef");

    /// <summary>Every endpoint.</summary>
    public async Task<IReadOnlyList<WebhookEndpoint>> ListEndpointsAsync(CancellationToken cancellationToken)
    {
        var endpoints = new List<WebhookEndpoint>();
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {EndpointsPartition}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            endpoints.Add(Decode(row));
        }

        return endpoints;
    }

    /// <summary>One endpoint, or null.</summary>
    public async Task<WebhookEndpoint?> GetEndpointAsync(string id, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(EndpointsPartition, id, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? Decode(row.Value!) : null;
    }

    /// <summary>Stores a new endpoint.</summary>
    public Task AddEndpointAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return _table.AddEntityAsync(new TableEntity(EndpointsPartition, endpoint.Id)
        {
            ["Url"] = endpoint.Url.AbsoluteUri,
            ["Events"] = string.Join(EventsSeparator, endpoint.Events),
            ["Secret"] = endpoint.Secret,
            ["Description"] = endpoint.Description,
            ["CreatedAt"] = endpoint.CreatedAt,
        }, cancellationToken);
    }

    /// <summary>Removes an endpoint and its delivery log; false when there was none.</summary>
    public async Task<bool> DeleteEndpointAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(EndpointsPartition, id, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return false;
        }

        await DeleteDeliveriesAsync(id, before: null, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Writes a delivery's log row as it now stands.</summary>
    public Task RecordAsync(string endpointId, WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return _table.UpsertEntityAsync(new TableEntity(DeliveriesPrefix + endpointId, delivery.Id)
        {
            ["EventId"] = delivery.EventId,
            ["Event"] = delivery.Event,
            ["State"] = delivery.State,
            ["Attempts"] = delivery.Attempts,
            ["CreatedAt"] = delivery.CreatedAt,
            ["LastAttemptAt"] = delivery.LastAttemptAt,
            ["NextAttemptAt"] = delivery.NextAttemptAt,
            ["LastStatus"] = delivery.LastStatus,
            ["LastError"] = delivery.LastError,
        }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>One page of an endpoint's delivery log, newest first, and the continuation of the next (null on the last).</summary>
    /// <exception cref="RequestFailedException">Status 400: the service cannot continue from <paramref name="continuation"/>.</exception>
    public async Task<(IReadOnlyList<WebhookDelivery> Items, string? Next)> ListDeliveriesAsync(string endpointId, int limit, string? continuation, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {DeliveriesPrefix + endpointId}");
        await foreach (var page in _table.QueryAsync<TableEntity>(filter, limit, cancellationToken: cancellationToken).AsPages(continuation, limit).ConfigureAwait(false))
        {
            return (page.Values.Select(DecodeDelivery).ToList(), page.ContinuationToken);
        }

        return ([], null);
    }

    /// <summary>Deletes an endpoint's log rows created before <paramref name="before"/> (all when null); returns how many.</summary>
    public async Task<int> DeleteDeliveriesAsync(string endpointId, DateTimeOffset? before, CancellationToken cancellationToken)
    {
        var partition = DeliveriesPrefix + endpointId;
        var filter = before is { } cutoff
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {NewDeliveryId(cutoff)[..19]}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        return await _table.DeleteWhereAsync(filter, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The dispatcher's place in the change log, or null before its first run.</summary>
    public async Task<string?> GetCursorAsync(CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(CursorPartition, CursorRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value!.GetString(PositionProperty) : null;
    }

    /// <summary>Moves the dispatcher's place.</summary>
    public Task SetCursorAsync(string position, CancellationToken cancellationToken) =>
        _table.UpsertEntityAsync(new TableEntity(CursorPartition, CursorRow) { [PositionProperty] = position }, TableUpdateMode.Replace, cancellationToken);

    private static WebhookEndpoint Decode(TableEntity row) => new(
        row.RowKey,
        new Uri(row.GetString("Url"), UriKind.Absolute),
        row.GetString("Events").Split(EventsSeparator, StringSplitOptions.RemoveEmptyEntries),
        row.GetString("Secret"),
        row.GetString("Description"),
        row.GetDateTimeOffset("CreatedAt")?.ToUniversalTime() ?? default);

    private static WebhookDelivery DecodeDelivery(TableEntity row) => new(
        row.RowKey, row.GetString("EventId"), row.GetString("Event"), row.GetString("State"), row.GetInt32("Attempts") ?? 0,
        row.GetDateTimeOffset("CreatedAt")?.ToUniversalTime() ?? default, row.GetDateTimeOffset("LastAttemptAt")?.ToUniversalTime(),
        row.GetDateTimeOffset("NextAttemptAt")?.ToUniversalTime(), row.GetInt32("LastStatus"), row.GetString("LastError"));
}
