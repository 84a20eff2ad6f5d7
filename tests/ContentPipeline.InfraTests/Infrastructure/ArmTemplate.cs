using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ContentPipeline.InfraTests.Infrastructure;

/// <summary>
/// A compiled ARM template and, for a module, the deployment that passes it parameters. Resolves the few expression
/// shapes whose value is known before deployment (literals, parameters with a default or a passed value, variables),
/// which is all the checks need; anything else stays an expression.
/// </summary>
internal sealed partial class ArmTemplate
{
    private readonly JsonObject? _passedParameters;

    public ArmTemplate(JsonObject root, ArmTemplate? parent = null, JsonObject? passedParameters = null)
    {
        Root = root;
        Parent = parent;
        _passedParameters = passedParameters;
    }

    public JsonObject Root { get; }

    public ArmTemplate? Parent { get; }

    public JsonObject Parameters => Root["parameters"]?.AsObject() ?? [];

    public JsonObject Outputs => Root["outputs"]?.AsObject() ?? [];

    /// <summary>Every resource of this template and of the modules it deploys, each with the template it lives in.</summary>
    public IEnumerable<ArmResource> AllResources()
    {
        var resources = Root["resources"] switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            JsonObject symbolic => symbolic.Select(p => p.Value).OfType<JsonObject>(),
            _ => [],
        };
        foreach (var resource in resources)
        {
            yield return new ArmResource(this, resource);
            if ((string?)resource["type"] == "Microsoft.Resources/deployments" && resource["properties"]?["template"] is JsonObject nested)
            {
                var module = new ArmTemplate(nested, this, resource["properties"]?["parameters"]?.AsObject());
                foreach (var inner in module.AllResources())
                {
                    yield return inner;
                }
            }
        }
    }

    public IEnumerable<ArmResource> ResourcesOfType(string type) =>
        AllResources().Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The value as a literal, following parameters and variables; null when only a deployment knows it.</summary>
    public JsonNode? Resolve(JsonNode? node)
    {
        if (node is not JsonValue value || !value.TryGetValue<string>(out var text))
        {
            return node;
        }

        if (text.StartsWith("[[", StringComparison.Ordinal))
        {
            return JsonValue.Create(text[1..]);
        }

        if (!text.StartsWith('[') || !text.EndsWith(']'))
        {
            return node;
        }

        if (ParameterReference().Match(text) is { Success: true } parameter)
        {
            return ResolveParameter(parameter.Groups["name"].Value);
        }

        if (VariableReference().Match(text) is { Success: true } variable)
        {
            return Resolve(Root["variables"]?[variable.Groups["name"].Value]);
        }

        if (StringOfParameter().Match(text) is { Success: true } converted)
        {
            return ResolveParameter(converted.Groups["name"].Value) is JsonValue scalar ? JsonValue.Create(scalar.ToString()) : null;
        }

        return null;
    }

    public string? ResolveString(JsonNode? node) =>
        Resolve(node) is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private JsonNode? ResolveParameter(string name)
    {
        if (_passedParameters?[name]?["value"] is { } passed && Parent is not null)
        {
            return Parent.Resolve(passed);
        }

        return Parameters[name]?["defaultValue"] is { } defaultValue ? Resolve(defaultValue) : null;
    }

    [GeneratedRegex(@"^\[parameters\('(?<name>[^']+)'\)\]$")]
    private static partial Regex ParameterReference();

    [GeneratedRegex(@"^\[variables\('(?<name>[^']+)'\)\]$")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"^\[string\(parameters\('(?<name>[^']+)'\)\)\]$")]
    private static partial Regex StringOfParameter();
}

/// <summary>One resource of a compiled template, with the template whose parameters and variables it uses.</summary>
internal sealed partial record ArmResource(ArmTemplate Template, JsonObject Json)
{
    public string Type => (string?)Json["type"] ?? "";

    public JsonNode? this[string path] => path.Split('.').Aggregate<string, JsonNode?>(Json, (node, key) => node?[key]);

    public string? Raw(string path) => this[path] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public string? Resolved(string path) => Template.ResolveString(this[path]);

    /// <summary>
    /// The last segment of a child resource's name (a container's, a table's), for each copy of a loop:
    /// <c>format('{0}/{1}/{2}', parameters('name'), 'default', 'feeds')</c> or <c>…, variables('names')[copyIndex()])</c>.
    /// </summary>
    public IReadOnlyList<string> ChildNames()
    {
        var name = Raw("name") ?? "";
        if (LastLiteralArgument().Match(name) is { Success: true } literal)
        {
            return [literal.Groups["value"].Value];
        }

        if (LastLoopArgument().Match(name) is { Success: true } loop && Template.Resolve(JsonValue.Create($"[variables('{loop.Groups["name"].Value}')]")) is JsonArray items)
        {
            return [.. items.Select(item => Template.ResolveString(item)).OfType<string>()];
        }

        return [];
    }

    [GeneratedRegex(@",\s*'(?<value>[^']*)'\)\]$")]
    private static partial Regex LastLiteralArgument();

    [GeneratedRegex(@",\s*variables\('(?<name>[^']+)'\)\[copyIndex\(\)\]\)\]$")]
    private static partial Regex LastLoopArgument();
}
