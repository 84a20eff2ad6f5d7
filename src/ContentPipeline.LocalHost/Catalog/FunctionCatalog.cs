using System.Text.Json.Nodes;
using ContentPipeline.LocalHost.Rpc;

namespace ContentPipeline.LocalHost.Catalog;

/// <summary>
/// The app's functions, from the worker's own metadata response (worker indexing: the same facts the Worker SDK writes
/// to functions.metadata and the Azure host reads). A function whose trigger this host cannot serve stops the host at
/// start, naming it.
/// </summary>
public sealed class FunctionCatalog
{
    private const string HostPrefix = "Host.Functions.";
    private const string ShortPrefix = "Functions.";

    private FunctionCatalog(IReadOnlyList<FunctionDescriptor> functions) => Functions = functions;

    public IReadOnlyList<FunctionDescriptor> Functions { get; }

    public static FunctionCatalog From(IEnumerable<RpcFunctionMetadata> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var functions = metadata.Select(Describe).OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        var duplicate = functions.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new NotSupportedException($"Two functions are named {duplicate.Key}.");
        }

        return new FunctionCatalog(functions);
    }

    /// <summary>The function called <paramref name="name"/>, or <c>Host.Functions.{name}</c> as the Azure host names it.</summary>
    public FunctionDescriptor? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var shortName = name.StartsWith(HostPrefix, StringComparison.Ordinal) ? name[HostPrefix.Length..] : name;
        return Functions.FirstOrDefault(f => string.Equals(f.Name, shortName, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The function a blob-trigger message names, as the blobs extension finds it: by one of the ids it registers,
    /// <c>Host.Functions.{name}</c> or <c>Functions.{name}</c>, exactly (case-sensitive); null for any other id.
    /// </summary>
    public FunctionDescriptor? FindRegistered(string functionId)
    {
        ArgumentNullException.ThrowIfNull(functionId);
        return Functions.FirstOrDefault(f => string.Equals(functionId, HostPrefix + f.Name, StringComparison.Ordinal)
            || string.Equals(functionId, ShortPrefix + f.Name, StringComparison.Ordinal));
    }

    private static FunctionDescriptor Describe(RpcFunctionMetadata metadata)
    {
        var bindings = metadata.RawBindings.Select(raw => JsonNode.Parse(raw)!.AsObject()).ToList();
        var triggers = bindings.Where(b => ((string?)b["type"])?.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase) == true).ToList();
        if (triggers.Count != 1)
        {
            throw new NotSupportedException($"Function {metadata.Name} has {triggers.Count} triggers; a function has exactly one.");
        }

        var trigger = triggers[0];
        var type = (string)trigger["type"]!;
        var parameter = (string?)trigger["name"] ?? throw new NotSupportedException($"Function {metadata.Name}: its trigger binding has no name.");
        var function = new FunctionDescriptor(metadata.Name, metadata.FunctionId, KindOf(type, metadata.Name), parameter, metadata);
        return function.Kind switch
        {
            TriggerKind.Http => function with
            {
                Http = new HttpTrigger(
                    Enum.Parse<AuthorizationLevel>((string?)trigger["authLevel"] ?? nameof(AuthorizationLevel.Function), ignoreCase: true),
                    trigger["methods"]?.AsArray().Select(m => ((string)m!).ToUpperInvariant()).ToList() ?? [],
                    ((string?)trigger["route"] ?? metadata.Name).Trim('/')),
            },
            TriggerKind.Blob => function with
            {
                Blob = new BlobTrigger(
                    (string?)trigger["path"] ?? throw new NotSupportedException($"Function {metadata.Name}: its blob trigger has no path."),
                    (string?)trigger["connection"] ?? "AzureWebJobsStorage",
                    (string?)trigger["source"] ?? "LogsAndContainerScan"),
            },
            TriggerKind.EventGrid => function,
            _ => function with
            {
                Timer = new TimerTrigger(
                    (string?)trigger["schedule"] ?? throw new NotSupportedException($"Function {metadata.Name}: its timer has no schedule."),
                    Flag(trigger, "runOnStartup", false),
                    Flag(trigger, "useMonitor", true)),
            },
        };
    }

    private static TriggerKind KindOf(string type, string function) => type.ToLowerInvariant() switch
    {
        "httptrigger" => TriggerKind.Http,
        "blobtrigger" => TriggerKind.Blob,
        "timertrigger" => TriggerKind.Timer,
        "eventgridtrigger" => TriggerKind.EventGrid,
        _ => throw new NotSupportedException($"Function {function}: this host cannot run a '{type}' trigger."),
    };

    /// <summary>A boolean binding property, which the Worker SDK may write as a JSON boolean or a string.</summary>
    private static bool Flag(JsonObject binding, string name, bool fallback) => binding[name] switch
    {
        null => fallback,
        JsonValue value when value.TryGetValue<bool>(out var flag) => flag,
        JsonValue value when value.TryGetValue<string>(out var text) && bool.TryParse(text, out var parsed) => parsed,
        _ => fallback,
    };
}
