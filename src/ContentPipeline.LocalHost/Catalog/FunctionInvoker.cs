using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPipeline.LocalHost.Catalog;

/// <summary>The values a trigger offers to a function's parameters.</summary>
public sealed record TriggerInput(HttpRequest? Request = null, BlobClient? Blob = null, TimerInfo? Timer = null, IReadOnlyDictionary<string, string?>? Values = null);

/// <summary>
/// Creates a function's class from DI (a scope per invocation, as the worker does) and calls the method with its
/// parameters bound by type, and strings by name (route values, blob path values). Counts invocations per function.
/// </summary>
public sealed class FunctionInvoker(IServiceProvider services)
{
    private readonly ConcurrentDictionary<string, InvocationCounts> _counts = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyDictionary<string, InvocationCounts> Counts => _counts;

    public async Task<object?> InvokeAsync(FunctionDescriptor function, TriggerInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(input);
        var counts = _counts.GetOrAdd(function.Name, _ => new InvocationCounts());
        await using var scope = services.CreateAsyncScope();
        var target = function.Method.IsStatic ? null : ActivatorUtilities.CreateInstance(scope.ServiceProvider, function.Method.DeclaringType!);
        var arguments = function.Method.GetParameters().Select(object? (p) => p.ParameterType switch
        {
            var t when t == typeof(HttpRequest) => input.Request,
            var t when t == typeof(CancellationToken) => cancellationToken,
            var t when t == typeof(BlobClient) => input.Blob,
            var t when t == typeof(TimerInfo) => input.Timer,
            _ => input.Values is not null && input.Values.TryGetValue(p.Name!, out var value) ? value : null,
        }).ToArray();

        Interlocked.Increment(ref counts.Started);
        try
        {
            var result = function.Method.Invoke(target, arguments);
            if (result is Task task)
            {
                await task.ConfigureAwait(false);
                result = task.GetType().IsGenericType ? task.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
            }

            Interlocked.Increment(ref counts.Succeeded);
            return result;
        }
        catch (System.Reflection.TargetInvocationException ex) when (ex.InnerException is not null)
        {
            Interlocked.Increment(ref counts.Failed);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
        catch
        {
            Interlocked.Increment(ref counts.Failed);
            throw;
        }
    }
}

/// <summary>How often a function ran, for the admin status endpoint.</summary>
public sealed class InvocationCounts
{
#pragma warning disable CA1051 // Interlocked needs fields; this is a plain counter bag.
    public long Started;
    public long Succeeded;
    public long Failed;
#pragma warning restore CA1051
}
