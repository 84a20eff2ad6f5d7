using Azure.Core;
using Azure.Core.Pipeline;

namespace ContentPipeline.IntegrationTests.Infrastructure;

/// <summary>Counts the requests a client sends (add it to the client's options), to show what an operation costs.</summary>
public sealed class RequestCounter : HttpPipelinePolicy
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Interlocked.Increment(ref _count);
        return ProcessNextAsync(message, pipeline);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Interlocked.Increment(ref _count);
        ProcessNext(message, pipeline);
    }
}
