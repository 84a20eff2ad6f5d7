using ContentPipeline.LocalHost.Catalog;

namespace ContentPipeline.LocalHost.Worker;

/// <summary>Runs a function once: how triggers hand work to the worker (and, in tests of a trigger, to a fake).</summary>
public interface IFunctionInvoker
{
    Task<InvocationResult> InvokeAsync(FunctionDescriptor function, InvocationInput input, CancellationToken cancellationToken);
}
