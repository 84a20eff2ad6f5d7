using System.Reflection;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.LocalHost.Catalog;

/// <summary>
/// Finds the functions of an assembly from their <c>[Function]</c> and trigger attributes, so a new function needs no
/// change in the host. Refuses at start-up, with the reason, a function whose trigger or parameters it cannot serve.
/// </summary>
public sealed class FunctionCatalog
{
    private static readonly Type[] BindableTypes = [typeof(HttpRequest), typeof(CancellationToken), typeof(BlobClient), typeof(TimerInfo), typeof(string)];

    public FunctionCatalog(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var functions = new List<FunctionDescriptor>();
        foreach (var method in assembly.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)))
        {
            if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
            {
                continue;
            }

            var triggers = method.GetParameters()
                .Select(p => p.GetCustomAttributes().FirstOrDefault(a => a is HttpTriggerAttribute or BlobTriggerAttribute or TimerTriggerAttribute))
                .OfType<Attribute>()
                .ToList();
            if (triggers.Count != 1)
            {
                throw new NotSupportedException($"Function {function.Name} has no HTTP, blob or timer trigger the local host can run.");
            }

            var unsupported = method.GetParameters().Where(p => !BindableTypes.Contains(p.ParameterType)).Select(p => $"{p.ParameterType.Name} {p.Name}").ToList();
            if (unsupported.Count > 0)
            {
                throw new NotSupportedException($"Function {function.Name}: the local host cannot bind {string.Join(", ", unsupported)}.");
            }

            var kind = triggers[0] switch
            {
                HttpTriggerAttribute => TriggerKind.Http,
                BlobTriggerAttribute => TriggerKind.Blob,
                _ => TriggerKind.Timer,
            };
            functions.Add(new FunctionDescriptor(function.Name, method, kind, triggers[0]));
        }

        var duplicate = functions.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new NotSupportedException($"Two functions are named {duplicate.Key}.");
        }

        Functions = functions.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<FunctionDescriptor> Functions { get; }

    public FunctionDescriptor? Find(string name) =>
        Functions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
}
