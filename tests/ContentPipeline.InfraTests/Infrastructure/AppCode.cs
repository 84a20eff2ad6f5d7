using System.Reflection;
using System.Text.RegularExpressions;
using ContentPipeline.Functions;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.InfraTests.Infrastructure;

/// <summary>What the Functions app declares in its trigger attributes: the host reads these, so the template must agree.</summary>
internal static partial class AppCode
{
    private static Assembly FunctionsAssembly => typeof(IngestArticle).Assembly;

    /// <summary>Every function method with its function name.</summary>
    public static IEnumerable<(string Name, MethodInfo Method)> Functions() =>
        FunctionsAssembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            .Select(m => (Attribute: m.GetCustomAttribute<FunctionAttribute>(), Method: m))
            .Where(f => f.Attribute is not null)
            .Select(f => (f.Attribute!.Name, f.Method));

    /// <summary>The binding attributes on the functions' parameters (triggers, inputs).</summary>
    public static IEnumerable<(string Function, Attribute Binding)> Bindings() =>
        Functions().SelectMany(f => f.Method.GetParameters().SelectMany(p => p.GetCustomAttributes()).Select(a => (f.Name, a)));

    /// <summary>Blob triggers and the function each belongs to.</summary>
    public static IEnumerable<(string Function, BlobTriggerAttribute Trigger)> BlobTriggers() =>
        Bindings().Where(b => b.Binding is BlobTriggerAttribute).Select(b => (b.Function, (BlobTriggerAttribute)b.Binding));

    /// <summary>App settings named with %Name% in any string property of a binding attribute (the timer's schedule).</summary>
    public static IEnumerable<string> SettingsNamedByBindings() =>
        Bindings()
            .SelectMany(b => b.Binding.GetType().GetProperties().Where(p => p.PropertyType == typeof(string)).Select(p => p.GetValue(b.Binding) as string))
            .OfType<string>()
            .SelectMany(value => SettingReference().Matches(value).Select(m => m.Groups["name"].Value))
            .Distinct(StringComparer.Ordinal);

    [GeneratedRegex("%(?<name>[^%]+)%")]
    private static partial Regex SettingReference();
}
