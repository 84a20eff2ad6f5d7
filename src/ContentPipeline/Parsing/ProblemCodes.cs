namespace ContentPipeline.Parsing;

/// <summary>The stable codes of <see cref="ParseProblem"/>.</summary>
public static class ProblemCodes
{
    /// <summary>The file is larger than the configured cap.</summary>
    public const string TooLarge = "too-large";

    /// <summary>The bytes are not valid UTF-8.</summary>
    public const string NotUtf8 = "not-utf8";

    /// <summary>The file does not start with a <c>---</c> line.</summary>
    public const string NoFrontMatter = "no-front-matter";

    /// <summary>The front matter is opened but never closed by a <c>---</c> line.</summary>
    public const string UnclosedFrontMatter = "unclosed-front-matter";

    /// <summary>The front matter is not valid YAML.</summary>
    public const string InvalidYaml = "invalid-yaml";

    /// <summary>The front matter is valid YAML but not a mapping of fields, or holds more than one document.</summary>
    public const string NotAMapping = "not-a-mapping";

    /// <summary>A key appears twice in one mapping.</summary>
    public const string DuplicateKey = "duplicate-key";

    /// <summary>Nesting deeper than the configured limit.</summary>
    public const string TooDeep = "too-deep";

    /// <summary>The document (after expanding aliases and merge keys) has more nodes than the configured limit.</summary>
    public const string TooManyNodes = "too-many-nodes";

    /// <summary>An alias names an anchor that is not defined before it.</summary>
    public const string UnknownAnchor = "unknown-anchor";

    /// <summary>A required field is missing or empty.</summary>
    public const string MissingField = "missing-field";

    /// <summary>A field has the wrong type (for example a word where a number is expected).</summary>
    public const string WrongType = "wrong-type";

    /// <summary>A date cannot be read as an ISO 8601 timestamp.</summary>
    public const string InvalidDate = "invalid-date";

    /// <summary>A URL is not an absolute http(s) URL.</summary>
    public const string InvalidUrl = "invalid-url";

    /// <summary>The article does not fit in Table Storage even with its body moved out.</summary>
    public const string TooLargeForStorage = "too-large-for-storage";

    /// <summary>A list (topics, images, related items) has more items than the configured limit.</summary>
    public const string TooManyItems = "too-many-items";

    /// <summary>A text field is longer than the configured limit.</summary>
    public const string TooLong = "too-long";

    /// <summary>A domain is not a host name (letters, digits and hyphens in dot-separated labels).</summary>
    public const string InvalidHost = "invalid-host";

    /// <summary>
    /// The blob's name cannot be used safely: a <c>.</c> or <c>..</c> segment, a backslash, a control character, a
    /// trailing dot or slash, a name too long for the rejected area, or a container other than the trigger's. The file
    /// is left where it is, untouched; the reason is recorded under a name derived from a hash of the blob's name.
    /// </summary>
    public const string UnsafeName = "unsafe-name";
}
