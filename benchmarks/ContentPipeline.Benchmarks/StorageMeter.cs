using Azure.Core;
using Azure.Core.Pipeline;

namespace ContentPipeline.Benchmarks;

/// <summary>
/// Counts what a client asks of storage: requests sent, and table entities read (each entity in a table response
/// carries one <c>odata.etag</c>). Added to the clients the measured services use.
/// </summary>
public sealed class StorageMeter : HttpPipelinePolicy
{
    private static readonly byte[] EntityMarker = "\"odata.etag\""u8.ToArray();
    private long _requests;
    private long _entities;

    public (long Requests, long Entities) Read() => (Interlocked.Read(ref _requests), Interlocked.Read(ref _entities));

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Interlocked.Increment(ref _requests);
        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        Count(message);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Interlocked.Increment(ref _requests);
        ProcessNext(message, pipeline);
        Count(message);
    }

    private void Count(HttpMessage message)
    {
        if (message.Request.Method != RequestMethod.Get || !message.HasResponse || !message.BufferResponse
            || message.Response.Headers.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            return;
        }

        var bytes = message.Response.Content.ToMemory().Span;
        long found = 0;
        for (var at = bytes.IndexOf(EntityMarker); at >= 0; at = bytes.IndexOf(EntityMarker))
        {
            found++;
            bytes = bytes[(at + EntityMarker.Length)..];
        }

        Interlocked.Add(ref _entities, found);
    }
}
