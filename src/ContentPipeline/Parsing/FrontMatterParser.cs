using System.Buffers;
using System.Globalization;
using System.Text.Unicode;

namespace ContentPipeline.Parsing;

/// <summary>
/// Parses an article file: YAML front matter between <c>---</c> lines, then an optional Markdown body.
/// Never throws for bad input: every problem comes back in the <see cref="ParseResult"/> with file, line and column.
/// Tolerates a UTF-8 byte order mark, CRLF line endings, spaces after a delimiter, and a file with no body.
/// Thread-safe; register it once.
/// </summary>
public sealed class FrontMatterParser
{
    private const string Delimiter = "---";

    private readonly FrontMatterLimits _limits;

    /// <summary>Creates a parser with the given limits.</summary>
    public FrontMatterParser(FrontMatterLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _limits = limits;
    }

    /// <summary>The limits this parser enforces.</summary>
    public FrontMatterLimits Limits => _limits;

    /// <summary>Parses the bytes of the file called <paramref name="fileName"/> (the name is only used in problems).</summary>
    public ParseResult Parse(ReadOnlySpan<byte> content, string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        if (content.Length > _limits.MaxFileBytes)
        {
            return ParseResult.Failure(TooLarge(fileName, content.Length, _limits.MaxFileBytes));
        }

        if (Decode(content, fileName, out var problem) is not { } text)
        {
            return ParseResult.Failure(problem!);
        }

        return ParseText(text, fileName);
    }

    /// <summary>The problem reported for a file over the size cap (also used before a blob is downloaded).</summary>
    public static ParseProblem TooLarge(string fileName, long size, int limit) =>
        new(fileName, 1, 1, ProblemCodes.TooLarge, string.Create(CultureInfo.InvariantCulture, $"the file is {size:N0} bytes; the limit is {limit:N0} bytes"));

    private ParseResult ParseText(string text, string fileName)
    {
        var position = 0;
        var firstLine = NextLine(text, ref position);
        if (!IsDelimiter(firstLine))
        {
            return ParseResult.Failure(new ParseProblem(fileName, 1, 1, ProblemCodes.NoFrontMatter,
                "no front matter: the file must start with a '---' line, then YAML fields, then another '---' line"));
        }

        var yamlStart = position;
        var yamlEnd = -1;
        var line = 1;
        while (position < text.Length)
        {
            var lineStart = position;
            line++;
            if (IsDelimiter(NextLine(text, ref position)))
            {
                yamlEnd = lineStart;
                break;
            }
        }

        if (yamlEnd < 0)
        {
            return ParseResult.Failure(new ParseProblem(fileName, 1, 1, ProblemCodes.UnclosedFrontMatter,
                "the front matter opened by '---' on line 1 is never closed: add a '---' line after the last field"));
        }

        // The common shape is read directly; anything else (and every error) goes through YamlDotNet.
        var problems = new List<ParseProblem>();
        YamlValue? root = BlockYamlReader.TryRead(text, yamlStart, yamlEnd, _limits, lineOffset: 1, out var block)
            ? block
            : YamlTreeReader.Read(text[yamlStart..yamlEnd], _limits, fileName, lineOffset: 1, problems);
        if (problems.Count > 0)
        {
            return ParseResult.Failure(problems);
        }

        if (root is YamlScalarValue { IsNull: true } or null)
        {
            root = new YamlMappingValue(new TextPosition(1, 1));
        }

        if (root is not YamlMappingValue mapping)
        {
            return ParseResult.Failure(new ParseProblem(fileName, root.Start.Line, root.Start.Column, ProblemCodes.NotAMapping,
                $"the front matter must be a mapping of fields (key: value), but it is {root.KindName}"));
        }

        var article = new ArticleReader(fileName, _limits, problems).Read(mapping, Body(text, position));
        return article is null ? ParseResult.Failure(problems) : ParseResult.Success(article, bodyLine: line + 1);
    }

    private static string? Body(string text, int start)
    {
        var body = text.AsSpan(start);
        if (body.IsWhiteSpace())
        {
            return null;
        }

        return body.Contains('\r') ? body.ToString().Replace("\r\n", "\n", StringComparison.Ordinal) : body.ToString();
    }

    /// <summary>Returns the line at <paramref name="position"/> without its line break, and moves past the break.</summary>
    private static ReadOnlySpan<char> NextLine(string text, ref int position)
    {
        var rest = text.AsSpan(position);
        var end = rest.IndexOf('\n');
        if (end < 0)
        {
            position = text.Length;
            return rest.TrimEnd('\r');
        }

        position += end + 1;
        return rest[..end].TrimEnd('\r');
    }

    private static bool IsDelimiter(ReadOnlySpan<char> line) =>
        line.StartsWith(Delimiter, StringComparison.Ordinal) && line[Delimiter.Length..].TrimEnd(" \t").IsEmpty;

    private static string? Decode(ReadOnlySpan<byte> content, string fileName, out ParseProblem? problem)
    {
        problem = null;
        var skipped = 0;
        if (content.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            content = content[3..];
            skipped = 3;
        }
        else if (content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || content.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            problem = new ParseProblem(fileName, 1, 1, ProblemCodes.NotUtf8,
                "the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8");
            return null;
        }

        var buffer = ArrayPool<char>.Shared.Rent(Math.Max(1, content.Length));
        try
        {
            var status = Utf8.ToUtf16(content, buffer, out var bytesRead, out var charsWritten, replaceInvalidSequences: false);
            if (status == OperationStatus.Done)
            {
                return new string(buffer, 0, charsWritten);
            }

            var valid = buffer.AsSpan(0, charsWritten);
            var line = valid.Count('\n') + 1;
            var column = charsWritten - (valid.LastIndexOf('\n') + 1) + 1;
            problem = new ParseProblem(fileName, line, column, ProblemCodes.NotUtf8,
                string.Create(CultureInfo.InvariantCulture, $"the file is not valid UTF-8: byte 0x{content[bytesRead]:X2} at offset {bytesRead + skipped} cannot start or continue a character; save the file as UTF-8"));
            return null;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }
}
