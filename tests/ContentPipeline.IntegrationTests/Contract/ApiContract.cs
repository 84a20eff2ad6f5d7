using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using ContentPipeline.Functions;
using Json.Schema;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace ContentPipeline.IntegrationTests.Contract;

/// <summary>
/// openapi.json (the copy the app embeds and serves) read with Microsoft.OpenApi, and every response a test receives
/// checked against it with JsonSchema.Net: the status is listed for the operation, the content type is one it names,
/// the body matches its schema, and the headers it marks required are there and match theirs.
/// </summary>
/// <remarks>
/// Stricter than OpenAPI's defaults in one respect, on purpose: an object schema that lists its properties is read as
/// closed (a property it does not list fails), so a renamed or added field cannot ship undescribed. Objects meant to
/// carry anything (<c>extensions</c>) say <c>additionalProperties: true</c>.
/// </remarks>
public sealed class ApiContract
{
    private static readonly Uri DocumentUri = new("https://contract.test/openapi.json");

    /// <summary>What the host answers for a path or method no function has (not found, method not allowed): not the API's to describe.</summary>
    private static readonly int[] NoSuchRouteStatuses = [404, 405];

    private static readonly Lazy<ApiContract> Shipped = new(() => Load(OpenApiText()));

    private readonly OpenApiDocument _document;
    private readonly string _basePath;
    private readonly BuildOptions _buildOptions;
    private readonly Dictionary<IOpenApiSchema, JsonSchema> _schemas = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _gate = new();

    private ApiContract(OpenApiDocument document, JsonNode schemaDocument)
    {
        _document = document;
        _basePath = document.Servers is [{ Url: { } url }, ..] ? url.TrimEnd('/') : string.Empty;
        var registry = new SchemaRegistry();
        registry.Register(new JsonElementBaseDocument(JsonSerializer.SerializeToElement(schemaDocument), DocumentUri));
        _buildOptions = new BuildOptions { SchemaRegistry = registry };
    }

    /// <summary>The document the app ships.</summary>
    public static ApiContract Instance => Shipped.Value;

    public OpenApiDocument Document => _document;

    /// <summary>The document's server path (<c>/api</c>): what the contract covers.</summary>
    public string BasePath => _basePath;

    /// <summary>Reads a document; throws when Microsoft.OpenApi reports an error in it.</summary>
    public static ApiContract Load(string json)
    {
        var result = OpenApiDocument.Parse(json, OpenApiConstants.Json, new OpenApiReaderSettings());
        if (result.Diagnostic is { Errors.Count: > 0 } diagnostic || result.Document is null)
        {
            throw new InvalidOperationException("openapi.json does not read: " + string.Join("; ", result.Diagnostic?.Errors.Select(e => $"{e.Pointer}: {e.Message}") ?? []));
        }

        // JSON Schema 2020-12, as OpenAPI 3.1 writes it, for JsonSchema.Net; $refs stay pointers into this document.
        using var text = new StringWriter();
        result.Document.SerializeAsV31(new OpenApiJsonWriter(text));
        var schemaDocument = JsonNode.Parse(text.ToString())!;
        CloseObjects(schemaDocument);
        return new ApiContract(result.Document, schemaDocument);
    }

    public static string OpenApiText()
    {
        using var stream = typeof(OpenApi).Assembly.GetManifestResourceStream("ContentPipeline.Functions.openapi.json")
            ?? throw new InvalidOperationException("openapi.json is not embedded in the Functions app.");
        return new StreamReader(stream).ReadToEnd();
    }

    /// <summary>Every operation the document describes.</summary>
    public IReadOnlyList<ApiOperation> Operations =>
        [.. _document.Paths.SelectMany(p => (p.Value.Operations ?? []).Select(o => new ApiOperation(p.Key, o.Key, o.Value)))];

    public ApiOperation Operation(string operationId) => Operations.Single(o => o.Id == operationId);

    /// <summary>Whether a request path is one the document describes (under its server URL).</summary>
    public bool Covers(string path) => path.StartsWith(_basePath + "/", StringComparison.Ordinal);

    /// <summary>The operation a request reaches; null when none does.</summary>
    public ApiOperation? FindOperation(string method, string path)
    {
        if (!Covers(path))
        {
            return null;
        }

        var segments = path[_basePath.Length..].Split('/');
        return Operations
            .Where(o => o.Method.Method == method && Matches(o.Template.Split('/'), segments))
            .OrderBy(o => o.Template.Count(c => c == '{')) // a literal segment wins over a template one
            .FirstOrDefault();
    }

    /// <summary>What in the exchange the document does not describe; empty when it is all described.</summary>
    public IReadOnlyList<string> Check(ApiExchange exchange)
    {
        var violations = new List<string>();
        if (FindOperation(exchange.Method, exchange.Path) is not { } found)
        {
            if (!NoSuchRouteStatuses.Contains(exchange.Status) && exchange.Method != HttpMethod.Options.Method)
            {
                violations.Add($"no operation in the document serves {exchange.Method} {exchange.Path}, yet it answered {exchange.Status}");
            }

            return violations;
        }

        var (template, _, operation) = found;
        var key = exchange.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var responses = operation.Responses ?? [];
        if (!responses.TryGetValue(key, out var response) && !responses.TryGetValue(key[0] + "XX", out response) && !responses.TryGetValue("default", out response))
        {
            violations.Add($"{operation.OperationId} ({exchange.Method} {template}) does not list status {exchange.Status} (it lists {string.Join(", ", responses.Keys)})");
            return violations;
        }

        CheckHeaders(exchange, response, violations);
        CheckBody(exchange, response, violations);
        return violations;
    }

    /// <summary>Throws <see cref="ContractViolationException"/> when the document does not describe the exchange.</summary>
    public void Verify(ApiExchange exchange)
    {
        if (Check(exchange) is { Count: > 0 } violations)
        {
            throw new ContractViolationException(exchange, violations);
        }
    }

    private void CheckHeaders(ApiExchange exchange, IOpenApiResponse response, List<string> violations)
    {
        foreach (var (name, header) in response.Headers ?? new Dictionary<string, IOpenApiHeader>())
        {
            var value = exchange.Header(name);
            if (value is null)
            {
                if (header.Required)
                {
                    violations.Add($"required header {name} is missing");
                }

                continue;
            }

            if (header.Schema is { } schema && Evaluate(schema, JsonValue.Create(value)) is { } error)
            {
                violations.Add($"header {name}: '{value}' {error}");
            }
        }
    }

    private void CheckBody(ApiExchange exchange, IOpenApiResponse response, List<string> violations)
    {
        if (response.Content is not { Count: > 0 } content)
        {
            if (exchange.Body.Length > 0)
            {
                violations.Add($"the document describes no body, but one came ({exchange.ContentType})");
            }

            return;
        }

        var mediaType = exchange.ContentType is { } contentType && MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed.MediaType : null;
        if (mediaType is null || !content.TryGetValue(mediaType, out var described))
        {
            violations.Add($"content type '{exchange.ContentType}' is not one the document names ({string.Join(", ", content.Keys)})");
            return;
        }

        if (described.Schema is not { } schema)
        {
            return;
        }

        JsonNode? body;
        try
        {
            body = JsonNode.Parse(exchange.Body);
        }
        catch (JsonException e)
        {
            violations.Add($"the body is not JSON: {e.Message}");
            return;
        }

        if (Evaluate(schema, body) is { } error)
        {
            violations.Add("body " + error);
        }
    }

    /// <summary>Null when the instance matches; otherwise where and why it does not.</summary>
    private string? Evaluate(IOpenApiSchema schema, JsonNode? instance)
    {
        var results = SchemaFor(schema).Evaluate(
            JsonSerializer.SerializeToElement(instance),
            new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (results.IsValid)
        {
            return null;
        }

        var errors = results.Details?
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"at '{d.InstanceLocation}' ({d.EvaluationPath}): {e.Value}"))
            .ToList() ?? [];
        return "does not match its schema: " + (errors.Count > 0 ? string.Join("; ", errors) : "invalid");
    }

    private JsonSchema SchemaFor(IOpenApiSchema schema)
    {
        lock (_gate)
        {
            if (!_schemas.TryGetValue(schema, out var built))
            {
                JsonNode node;
                if (schema is OpenApiSchemaReference reference)
                {
                    node = new JsonObject { ["$ref"] = $"{DocumentUri}#/components/schemas/{reference.Reference.Id}" };
                }
                else
                {
                    using var text = new StringWriter();
                    schema.SerializeAsV31(new OpenApiJsonWriter(text));
                    node = JsonNode.Parse(text.ToString())!;
                    CloseObjects(node);
                    AnchorReferences(node);
                }

                built = JsonSchema.Build(JsonSerializer.SerializeToElement(node), _buildOptions, new Uri($"https://contract.test/inline/{_schemas.Count}"));
                _schemas[schema] = built;
            }

            return built;
        }
    }

    private static bool Matches(string[] template, string[] segments) =>
        template.Length == segments.Length
        && template.Zip(segments).All(p => p.First.StartsWith('{') && p.First.EndsWith('}') ? p.Second.Length > 0 : p.First == p.Second);

    /// <summary>Object schemas that list properties and say nothing of others admit no others.</summary>
    private static void CloseObjects(JsonNode? node) =>
        EveryObject(node, obj =>
        {
            if (obj["properties"] is JsonObject && !obj.ContainsKey("additionalProperties"))
            {
                obj["additionalProperties"] = false;
            }
        });

    /// <summary>Points an inline schema's local <c>$ref</c>s at the document they come from.</summary>
    private static void AnchorReferences(JsonNode? node) =>
        EveryObject(node, obj =>
        {
            if (obj["$ref"] is JsonValue value && value.GetValue<string>() is { } target && target.StartsWith('#'))
            {
                obj["$ref"] = DocumentUri + target;
            }
        });

    private static void EveryObject(JsonNode? node, Action<JsonObject> visit)
    {
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject obj => obj.Select(p => p.Value),
            JsonArray array => array,
            _ => [],
        };
        if (node is JsonObject self)
        {
            visit(self);
        }

        foreach (var child in children.ToList())
        {
            EveryObject(child, visit);
        }
    }
}
