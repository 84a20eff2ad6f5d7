using System.Globalization;
using System.Text.Json.Nodes;
using ContentPipeline.Articles;

namespace ContentPipeline.Parsing;

/// <summary>
/// Maps the YAML tree of a front matter onto <see cref="Article"/>: types every known field, keeps unknown fields
/// as JSON, and reports every problem it finds (not only the first) with the position of the offending node.
/// </summary>
internal sealed class ArticleReader
{
    private static readonly HashSet<string> ArticleFields = new(StringComparer.Ordinal)
    {
        "category", "title", "excerpt", "publishedDateTime", "originalUrl", "webUrl", "type", "quality", "heat",
        "published", "publishAt", "expiresAt", "provider", "topics", "images", "related", "secured",
    };

    private static readonly HashSet<string> ProviderFields = new(StringComparer.Ordinal) { "name", "domain" };

    private static readonly HashSet<string> ImageFields = new(StringComparer.Ordinal) { "url", "width", "height", "isCached" };

    private static readonly HashSet<string> RelatedFields = new(StringComparer.Ordinal)
    {
        "title", "excerpt", "publishedDateTime", "webUrl", "type", "provider", "quality", "images",
    };

    private readonly string _file;
    private readonly FrontMatterLimits _limits;
    private readonly List<ParseProblem> _problems;

    public ArticleReader(string file, FrontMatterLimits limits, List<ParseProblem> problems)
    {
        _file = file;
        _limits = limits;
        _problems = problems;
    }

    /// <summary>Required fields of an article; every other field is optional.</summary>
    public static IReadOnlyList<string> RequiredFields { get; } = ["title", "category", "publishedDateTime", "webUrl"];

    public Article? Read(YamlMappingValue root, string? body)
    {
        var before = _problems.Count;
        var title = Limited(root, "title", string.Empty, RequiredText(root, "title", string.Empty), _limits.MaxTitleLength);
        var category = Limited(root, "category", string.Empty, RequiredText(root, "category", string.Empty), _limits.MaxNameLength);
        if (category is not null && Slug.From(category).Length == 0)
        {
            AddProblem(root["category"]!.Start, ProblemCodes.WrongType, $"'category' must contain a letter or digit, got '{category}'");
        }

        var published = RequiredDate(root, "publishedDateTime", string.Empty);
        var publishAt = Date(root, "publishAt", string.Empty);
        var expiresAt = Date(root, "expiresAt", string.Empty);
        if (publishAt is { } from && expiresAt is { } until && until <= from)
        {
            AddProblem(root["expiresAt"]!.Start, ProblemCodes.InvalidDate, string.Create(CultureInfo.InvariantCulture,
                $"'expiresAt' ({until:yyyy-MM-dd'T'HH:mm:ss'Z'}) must come after 'publishAt' ({from:yyyy-MM-dd'T'HH:mm:ss'Z'})"));
        }

        var webUrl = Url(root, "webUrl", string.Empty, required: true);
        var originalUrl = Url(root, "originalUrl", string.Empty, required: false);
        var article = new
        {
            Excerpt = LimitedText(root, "excerpt", string.Empty, _limits.MaxExcerptLength),
            Type = LimitedText(root, "type", string.Empty, _limits.MaxNameLength),
            Quality = Integer(root, "quality", string.Empty),
            Heat = Integer(root, "heat", string.Empty),
            Published = Boolean(root, "published", string.Empty) ?? false,
            Provider = Provider(root["provider"], "provider"),
            Topics = List(root, "topics", string.Empty, _limits.MaxTopics, TopicItem),
            Images = List(root, "images", string.Empty, _limits.MaxImages, ImageItem),
            Related = List(root, "related", string.Empty, _limits.MaxRelated, RelatedItem),
            Secured = Text(root, "secured", string.Empty),
            Extensions = Unknown(root, ArticleFields),
        };

        if (_problems.Count > before || title is null || category is null || published is null || webUrl is null)
        {
            return null;
        }

        return new Article
        {
            Id = ArticleId.FromUrl(originalUrl ?? webUrl),
            Category = category,
            Title = title,
            Excerpt = article.Excerpt,
            PublishedDateTime = published.Value,
            OriginalUrl = originalUrl?.OriginalString,
            WebUrl = webUrl.OriginalString,
            Type = article.Type,
            Quality = article.Quality,
            Heat = article.Heat,
            Published = article.Published,
            PublishAt = publishAt,
            ExpiresAt = expiresAt,
            Provider = article.Provider,
            Topics = article.Topics,
            Images = article.Images,
            Related = article.Related,
            Secured = article.Secured,
            Body = body,
            Extensions = article.Extensions,
        };
    }

    private string? TopicItem(YamlValue node, string path)
    {
        var topic = ScalarText(node, path, string.Empty);
        if (topic is not null && topic.Length > _limits.MaxNameLength)
        {
            TooLong(node, path, topic.Length, _limits.MaxNameLength);
            return null;
        }

        if (topic is not null && Slug.From(topic).Length == 0)
        {
            AddProblem(node.Start, ProblemCodes.WrongType, $"'{path}' must contain a letter or digit, got '{topic}'");
            return null;
        }

        return topic;
    }

    private ArticleProvider? Provider(YamlValue? node, string path)
    {
        if (node is null || node is YamlScalarValue { IsNull: true })
        {
            return null;
        }

        if (node is not YamlMappingValue map)
        {
            AddProblem(node.Start, ProblemCodes.WrongType, $"'{path}' must be a mapping with name and domain, but it is {node.KindName}");
            return null;
        }

        return new ArticleProvider
        {
            Name = LimitedText(map, "name", path, _limits.MaxNameLength),
            Domain = Domain(map, path),
            Extensions = Unknown(map, ProviderFields),
        };
    }

    private ArticleImage? ImageItem(YamlValue node, string path)
    {
        if (node is not YamlMappingValue map)
        {
            AddProblem(node.Start, ProblemCodes.WrongType, $"'{path}' must be a mapping with url, width and height, but it is {node.KindName}");
            return null;
        }

        var url = Url(map, "url", path, required: true);
        var width = Integer(map, "width", path, minimum: 0);
        var height = Integer(map, "height", path, minimum: 0);
        var cached = Boolean(map, "isCached", path);
        return url is null ? null : new ArticleImage
        {
            Url = url.OriginalString,
            Width = width,
            Height = height,
            IsCached = cached,
            Extensions = Unknown(map, ImageFields),
        };
    }

    private RelatedArticle? RelatedItem(YamlValue node, string path)
    {
        if (node is not YamlMappingValue map)
        {
            AddProblem(node.Start, ProblemCodes.WrongType, $"'{path}' must be a mapping with title and webUrl, but it is {node.KindName}");
            return null;
        }

        var title = Limited(map, "title", path, RequiredText(map, "title", path), _limits.MaxTitleLength);
        var webUrl = Url(map, "webUrl", path, required: true);
        var related = new RelatedArticle
        {
            Title = title ?? string.Empty,
            Excerpt = LimitedText(map, "excerpt", path, _limits.MaxExcerptLength),
            PublishedDateTime = Date(map, "publishedDateTime", path),
            WebUrl = webUrl?.OriginalString ?? string.Empty,
            Type = LimitedText(map, "type", path, _limits.MaxNameLength),
            Provider = Provider(map["provider"], Join(path, "provider")),
            Quality = Integer(map, "quality", path),
            Images = List(map, "images", path, _limits.MaxImages, ImageItem),
            Extensions = Unknown(map, RelatedFields),
        };
        return title is null || webUrl is null ? null : related;
    }

    private List<T> List<T>(YamlMappingValue map, string key, string parent, int maxItems, Func<YamlValue, string, T?> item)
        where T : class
    {
        var node = map[key];
        var path = Join(parent, key);
        if (node is null || node is YamlScalarValue { IsNull: true })
        {
            return [];
        }

        if (node is not YamlSequenceValue sequence)
        {
            AddProblem(node.Start, ProblemCodes.WrongType, $"'{path}' must be a list, but it is {node.KindName}");
            return [];
        }

        if (sequence.Items.Count > maxItems)
        {
            AddProblem(node.Start, ProblemCodes.TooManyItems, string.Create(CultureInfo.InvariantCulture, $"'{path}' has {sequence.Items.Count:N0} items; the limit is {maxItems:N0}"));
            return [];
        }

        var items = new List<T>(sequence.Items.Count);
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            if (item(sequence.Items[i], $"{path}[{i}]") is { } value)
            {
                items.Add(value);
            }
        }

        return items;
    }

    private string? RequiredText(YamlMappingValue map, string key, string parent)
    {
        var value = Text(map, key, parent);
        if (value is null && map[key] is null or YamlScalarValue { IsNull: true })
        {
            Missing(map, key, parent);
        }
        else if (value is not null && string.IsNullOrWhiteSpace(value))
        {
            AddProblem(map[key]!.Start, ProblemCodes.MissingField, $"'{Join(parent, key)}' is required and must not be blank");
            return null;
        }

        return value;
    }

    private string? LimitedText(YamlMappingValue map, string key, string parent, int maxLength) =>
        Limited(map, key, parent, Text(map, key, parent), maxLength);

    /// <summary>The value, or null with a problem when it is longer than <paramref name="maxLength"/>.</summary>
    private string? Limited(YamlMappingValue map, string key, string parent, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            TooLong(map[key]!, Join(parent, key), value.Length, maxLength);
            return null;
        }

        return value;
    }

    private void TooLong(YamlValue node, string path, int length, int maxLength) =>
        AddProblem(node.Start, ProblemCodes.TooLong, string.Create(CultureInfo.InvariantCulture, $"'{path}' is {length:N0} characters long; the limit is {maxLength:N0}"));

    /// <summary>A provider's domain: a DNS host name such as <c>theiet.org</c> (internationalised names allowed), no scheme or path.</summary>
    private string? Domain(YamlMappingValue map, string parent)
    {
        var domain = LimitedText(map, "domain", parent, _limits.MaxNameLength);
        if (domain is not null && Uri.CheckHostName(domain) != UriHostNameType.Dns)
        {
            AddProblem(map["domain"]!.Start, ProblemCodes.InvalidHost, $"'{Join(parent, "domain")}' must be a host name such as example.org (no scheme, path or spaces), got '{domain}'");
            return null;
        }

        return domain;
    }

    private string? Text(YamlMappingValue map, string key, string parent)
    {
        var node = map[key];
        return node is null ? null : ScalarText(node, parent, key);
    }

    /// <summary>The text of a scalar; the field's path is only spelled out for a problem (the common case needs none).</summary>
    private string? ScalarText(YamlValue node, string parent, string key)
    {
        if (node is YamlScalarValue scalar)
        {
            return scalar.IsNull ? null : scalar.Value;
        }

        AddProblem(node.Start, ProblemCodes.WrongType, $"'{Join(parent, key)}' must be text, but it is {node.KindName}");
        return null;
    }

    private int? Integer(YamlMappingValue map, string key, string parent, int minimum = int.MinValue)
    {
        if (Scalar(map, key, parent, "a whole number") is not { } scalar)
        {
            return null;
        }

        if (!long.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            AddProblem(scalar.Start, ProblemCodes.WrongType, $"'{Join(parent, key)}' must be a whole number, got '{scalar.Value}'");
            return null;
        }

        if (number < minimum || number > int.MaxValue)
        {
            AddProblem(scalar.Start, ProblemCodes.WrongType, $"'{Join(parent, key)}' must be a whole number from {minimum} to {int.MaxValue}, got {number}");
            return null;
        }

        return (int)number;
    }

    private bool? Boolean(YamlMappingValue map, string key, string parent)
    {
        if (Scalar(map, key, parent, "true or false") is not { } scalar)
        {
            return null;
        }

        if (bool.TryParse(scalar.Value, out var value))
        {
            return value;
        }

        AddProblem(scalar.Start, ProblemCodes.WrongType, $"'{Join(parent, key)}' must be true or false, got '{scalar.Value}'");
        return null;
    }

    private DateTimeOffset? RequiredDate(YamlMappingValue map, string key, string parent)
    {
        if (map[key] is null or YamlScalarValue { IsNull: true })
        {
            Missing(map, key, parent);
            return null;
        }

        return Date(map, key, parent);
    }

    private DateTimeOffset? Date(YamlMappingValue map, string key, string parent)
    {
        var node = map[key];
        if (node is null)
        {
            return null;
        }

        var text = ScalarText(node, parent, key);
        if (text is null)
        {
            return null;
        }

        // Parsed here, never by YamlDotNet: its DateTime conversion depends on the machine's time zone.
        if (IsoDate.TryParse(text, out var value))
        {
            return value;
        }

        AddProblem(node.Start, ProblemCodes.InvalidDate, $"'{Join(parent, key)}' must be an ISO 8601 date and time such as 2022-11-15T17:36:00Z, got '{text}'");
        return null;
    }

    private Uri? Url(YamlMappingValue map, string key, string parent, bool required)
    {
        var node = map[key];
        if (node is null || node is YamlScalarValue { IsNull: true })
        {
            if (required)
            {
                Missing(map, key, parent);
            }

            return null;
        }

        var text = ScalarText(node, parent, key);
        if (text is null)
        {
            return null;
        }

        if (text.Length > _limits.MaxUrlLength)
        {
            TooLong(node, Join(parent, key), text.Length, _limits.MaxUrlLength);
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            && uri.Host.Length > 0 && string.Equals(text, text.Trim(), StringComparison.Ordinal) && HasValidIdnHost(uri))
        {
            return uri;
        }

        AddProblem(node.Start, ProblemCodes.InvalidUrl, $"'{Join(parent, key)}' must be an absolute http or https URL, got '{text}'");
        return null;
    }

    /// <summary>Uri accepts hosts that its IDN conversion (used by <see cref="ArticleId"/>) then rejects, e.g. with U+FFFD.</summary>
    private static bool HasValidIdnHost(Uri uri)
    {
        try
        {
            return uri.IdnHost.Length > 0;
        }
        catch (UriFormatException)
        {
            return false;
        }
    }

    /// <summary>A plain scalar for a typed field; quoted text or a collection is a type error.</summary>
    private YamlScalarValue? Scalar(YamlMappingValue map, string key, string parent, string expected)
    {
        var node = map[key];
        if (node is null || node is YamlScalarValue { IsNull: true })
        {
            return null;
        }

        if (node is YamlScalarValue { IsPlain: true } scalar)
        {
            return scalar;
        }

        var got = node is YamlScalarValue quoted ? $"quoted text \"{quoted.Value}\" (remove the quotes)" : node.KindName;
        AddProblem(node.Start, ProblemCodes.WrongType, $"'{Join(parent, key)}' must be {expected}, but it is {got}");
        return null;
    }

    private void Missing(YamlMappingValue map, string key, string parent)
    {
        var hint = map.Entries.Find(e => string.Equals(e.Key.Value, key, StringComparison.OrdinalIgnoreCase)).Key;
        var message = hint is null
            ? $"required field '{Join(parent, key)}' is missing"
            : $"required field '{Join(parent, key)}' is missing (found '{hint.Value}' on line {hint.Start.Line}: keys are case-sensitive)";
        AddProblem(map.Start, ProblemCodes.MissingField, message);
    }

    /// <summary>Keeps fields the model does not know, as JSON, in file order.</summary>
    private static JsonObject? Unknown(YamlMappingValue map, HashSet<string> known)
    {
        JsonObject? unknown = null;
        foreach (var (key, value) in map.Entries)
        {
            if (!known.Contains(key.Value))
            {
                (unknown ??= [])[key.Value] = ToJson(value);
            }
        }

        return unknown;
    }

    /// <summary>Converts a node to JSON with YAML 1.2 core-schema typing of plain scalars.</summary>
    internal static JsonNode? ToJson(YamlValue node)
    {
        switch (node)
        {
            case YamlScalarValue { IsNull: true }:
                return null;
            case YamlScalarValue { IsPlain: true } plain when plain.Value is "true" or "True" or "TRUE" or "false" or "False" or "FALSE":
                return JsonValue.Create(bool.Parse(plain.Value));
            case YamlScalarValue { IsPlain: true } plain when long.TryParse(plain.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer):
                return JsonValue.Create(integer);
            case YamlScalarValue { IsPlain: true } plain when double.TryParse(plain.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real):
                return JsonValue.Create(real);
            case YamlScalarValue scalar:
                return JsonValue.Create(scalar.Value);
            case YamlSequenceValue sequence:
                var array = new JsonArray();
                foreach (var item in sequence.Items)
                {
                    array.Add(ToJson(item));
                }

                return array;
            case YamlMappingValue mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Entries)
                {
                    obj[key.Value] = ToJson(value);
                }

                return obj;
            default:
                throw new InvalidOperationException($"Unknown YAML node {node.GetType().Name}.");
        }
    }

    private static string Join(string parent, string key) => parent.Length == 0 ? key : key.Length == 0 ? parent : $"{parent}.{key}";

    private void AddProblem(TextPosition at, string code, string message) => _problems.Add(new(_file, at.Line, at.Column, code, message));
}
