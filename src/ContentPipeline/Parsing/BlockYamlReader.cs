namespace ContentPipeline.Parsing;

/// <summary>
/// Reads the shape nearly every article's front matter has, without YamlDotNet: block mappings with plain keys, block
/// lists, and one-line scalars (plain, <c>"double"</c> without escapes, <c>'single'</c>), with blank and comment lines
/// between them. It builds the same <see cref="YamlValue"/> tree, with the same positions and sizes, as
/// <see cref="YamlTreeReader"/>, in a single pass over the text and without an event per token.
/// </summary>
/// <remarks>
/// It declines (returns <see langword="false"/>) at the first thing outside that shape or anything doubtful: flow
/// collections, anchors, aliases, tags, block scalars, escapes, a scalar continued on the next line, a tab, a control
/// character, a duplicate key, a tree deeper or larger than the limits. The caller then reads the text with
/// <see cref="YamlTreeReader"/>, which knows all of YAML and reports every error with its position; so this reader
/// never reports a problem and never decides that a file is invalid. Recursion is bounded by
/// <see cref="FrontMatterLimits.MaxDepth"/> (at most 128).
/// </remarks>
internal sealed class BlockYamlReader
{
    /// <summary>Longest key read here: YamlDotNet rejects an implicit key over 1,024 characters, so longer ones go to it.</summary>
    private const int MaxKeyLength = 1000;

    /// <summary>Mappings up to this many keys are checked for duplicates by a scan; larger ones with a set.</summary>
    private const int SmallMapping = 16;

    private readonly string _text;
    private readonly List<Line> _lines;
    private readonly FrontMatterLimits _limits;
    private readonly int _lineOffset;
    private int _current;
    private long _nodes;
    private int _depth;

    private BlockYamlReader(string text, List<Line> lines, FrontMatterLimits limits, int lineOffset)
    {
        _text = text;
        _lines = lines;
        _limits = limits;
        _lineOffset = lineOffset;
    }

    /// <summary>
    /// Reads the YAML in <paramref name="text"/> from <paramref name="start"/> to <paramref name="end"/>, whose first line
    /// is line <paramref name="lineOffset"/> + 1 of the file. Returns <see langword="false"/> when the text is outside the
    /// shape this reader knows; <paramref name="root"/> is then meaningless.
    /// </summary>
    public static bool TryRead(string text, int start, int end, FrontMatterLimits limits, int lineOffset, out YamlMappingValue? root)
    {
        root = null;
        if (!TrySplit(text, start, end, out var lines) || lines.Count == 0 || lines[0].Indent != 0)
        {
            return false;
        }

        var reader = new BlockYamlReader(text, lines, limits, lineOffset);
        if (reader.ReadMapping(0) is not { } mapping || reader._current != lines.Count)
        {
            return false;
        }

        root = mapping;
        return true;
    }

    /// <summary>A block mapping whose keys start at column <paramref name="indent"/> (0-based) of the current line on.</summary>
    private YamlMappingValue? ReadMapping(int indent)
    {
        var line = _lines[_current];
        if (!TryKey(line, out _) || !Open())
        {
            return null;
        }

        var mapping = new YamlMappingValue(Position(line, line.Indent));
        HashSet<string>? keys = null;
        long size = 1;
        while (_current < _lines.Count && _lines[_current] is var entry && entry.Indent == indent && !entry.IsListItem(_text))
        {
            if (!TryKey(entry, out var keyEnd))
            {
                return null;
            }

            var keyText = _text.Substring(entry.Start + entry.Indent, keyEnd - entry.Start - entry.Indent);
            if (IsDuplicate(mapping, keyText, ref keys))
            {
                return null; // YamlTreeReader reports it
            }

            var key = new YamlScalarValue(Position(entry, entry.Indent), keyText, isPlain: true);
            if (!Count())
            {
                return null;
            }

            var valueStart = SkipSpaces(keyEnd + 1, entry.End);
            if (ReadValue(entry, valueStart, indent, allowListAtIndent: true) is not { } value)
            {
                return null;
            }

            mapping.Entries.Add(new(key, value));
            size += 1 + value.Size;
        }

        if (_current < _lines.Count && _lines[_current].Indent > indent)
        {
            return null; // a more indented line where a key was expected
        }

        mapping.Size = size;
        _depth--;
        return mapping;
    }

    /// <summary>
    /// Whether <paramref name="key"/> is already in <paramref name="mapping"/>: a scan for the few keys an article has, a
    /// set once a mapping grows (a hostile file's mapping of many thousand keys stays linear).
    /// </summary>
    private static bool IsDuplicate(YamlMappingValue mapping, string key, ref HashSet<string>? keys)
    {
        if (keys is null && mapping.Entries.Count < SmallMapping)
        {
            foreach (var (existing, _) in mapping.Entries)
            {
                if (string.Equals(existing.Value, key, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        keys ??= new HashSet<string>(mapping.Entries.Select(static e => e.Key.Value), StringComparer.Ordinal);
        return !keys.Add(key);
    }

    /// <summary>A block list whose dashes stand at column <paramref name="indent"/> of the current line on.</summary>
    private YamlSequenceValue? ReadList(int indent)
    {
        if (!Open())
        {
            return null;
        }

        var list = new YamlSequenceValue(Position(_lines[_current], indent));
        long size = 1;
        while (_current < _lines.Count && _lines[_current] is var item && item.Indent == indent && item.IsListItem(_text))
        {
            var contentStart = SkipSpaces(item.Start + indent + 1, item.End);
            if (contentStart == item.End)
            {
                return null; // "-" alone: an item on the following lines, or an empty one
            }

            // The item's content is read as if its line started at the content's column ("- key: value" opens a
            // mapping whose keys align with "key").
            var content = item with { Indent = contentStart - item.Start };
            _lines[_current] = content;
            YamlValue? value;
            if (content.IsListItem(_text))
            {
                return null; // "- - x": a list in a list on one line
            }
            else if (TryKey(content, out _))
            {
                value = ReadMapping(content.Indent);
            }
            else
            {
                value = ReadValue(content, contentStart, indent, allowListAtIndent: false);
            }

            if (value is null)
            {
                return null;
            }

            list.Items.Add(value);
            size += value.Size;
        }

        if (_current < _lines.Count && _lines[_current].Indent > indent)
        {
            return null;
        }

        list.Size = size;
        _depth--;
        return list;
    }

    /// <summary>
    /// The value that starts at <paramref name="valueStart"/> of <paramref name="line"/> (a key's or a list item's), or
    /// the block on the lines below when the line ends there. Moves past the value's lines.
    /// </summary>
    private YamlValue? ReadValue(Line line, int valueStart, int indent, bool allowListAtIndent)
    {
        if (valueStart < line.End)
        {
            _current++;
            if (_current < _lines.Count && _lines[_current].Indent > indent)
            {
                return null; // a scalar continued on the next line, or a structure YAML rejects
            }

            return Count() ? Scalar(line, valueStart) : null;
        }

        _current++;
        if (_current < _lines.Count && _lines[_current] is var next)
        {
            if (next.Indent > indent)
            {
                return next.IsListItem(_text) ? ReadList(next.Indent) : TryKey(next, out _) ? ReadMapping(next.Indent) : null;
            }

            if (allowListAtIndent && next.Indent == indent && next.IsListItem(_text))
            {
                return ReadList(indent);
            }
        }

        // "key:" with nothing after it: YAML's empty value (null). YamlDotNet places it at the end of its line.
        return Count() ? new YamlScalarValue(Position(line, line.End - line.Start), string.Empty, isPlain: true) : null;
    }

    /// <summary>A one-line scalar from <paramref name="start"/> to the end of <paramref name="line"/>, or null to decline.</summary>
    private YamlScalarValue? Scalar(Line line, int start)
    {
        var at = Position(line, start - line.Start);
        var span = _text.AsSpan(start, line.End - start);
        switch (span[0])
        {
            case '"':
                var close = span[1..].IndexOfAny('"', '\\');
                return close >= 0 && span[1 + close] == '"' && close + 2 == span.Length
                    ? new YamlScalarValue(at, span.Slice(1, close).ToString(), isPlain: false)
                    : null;

            case '\'':
                return SingleQuoted(span, at);

            default:
                return IsPlain(span) ? new YamlScalarValue(at, span.ToString(), isPlain: true) : null;
        }
    }

    private static YamlScalarValue? SingleQuoted(ReadOnlySpan<char> span, TextPosition at)
    {
        var inner = span[1..];
        var quotes = 0;
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] != '\'')
            {
                continue;
            }

            if (i + 1 < inner.Length && inner[i + 1] == '\'')
            {
                quotes++;
                i++;
                continue;
            }

            if (i + 1 != inner.Length)
            {
                return null; // text after the closing quote
            }

            var value = inner[..i];
            return new YamlScalarValue(at, quotes == 0 ? value.ToString() : value.ToString().Replace("''", "'", StringComparison.Ordinal), isPlain: false);
        }

        return null; // not closed on this line
    }

    /// <summary>Whether <paramref name="span"/> is one plain scalar in block context, with nothing YAML reads otherwise.</summary>
    private static bool IsPlain(ReadOnlySpan<char> span)
    {
        var first = span[0];
        if (first is ',' or '[' or ']' or '{' or '}' or '#' or '&' or '*' or '!' or '|' or '>' or '%' or '@' or '`')
        {
            return false;
        }

        if (first is '-' or '?' or ':' && (span.Length == 1 || span[1] == ' '))
        {
            return false;
        }

        return span[^1] != ':' && !span.Contains(": ", StringComparison.Ordinal) && !span.Contains(" #", StringComparison.Ordinal);
    }

    /// <summary>Whether the line (from its indent) is a plain key followed by ':' and a space or the line's end.</summary>
    private bool TryKey(Line line, out int colon)
    {
        var start = line.Start + line.Indent;
        colon = -1;
        for (var i = start; i < line.End; i++)
        {
            var c = _text[i];
            if (c == ':')
            {
                if (i > start && i - start <= MaxKeyLength && (i + 1 == line.End || _text[i + 1] == ' '))
                {
                    colon = i;
                    return true;
                }

                return false;
            }

            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || (i > start && c is '-' or '.')))
            {
                return false;
            }
        }

        return false;
    }

    private bool Open()
    {
        if (++_depth > _limits.MaxDepth)
        {
            return false;
        }

        return Count();
    }

    private bool Count() => ++_nodes <= _limits.MaxNodes;

    private int SkipSpaces(int from, int end)
    {
        while (from < end && _text[from] == ' ')
        {
            from++;
        }

        return from;
    }

    private TextPosition Position(Line line, int column) => new(line.Number + _lineOffset, column + 1);

    /// <summary>
    /// Splits the text into its content lines (blank and comment lines dropped, trailing spaces trimmed); false when
    /// a character or a line is one this reader leaves to YamlDotNet.
    /// </summary>
    private static bool TrySplit(string text, int start, int end, out List<Line> lines)
    {
        lines = new List<Line>(64);
        var number = 0;
        var position = start;
        while (position < end)
        {
            number++;
            var rest = text.AsSpan(position, end - position);
            var length = rest.IndexOf('\n');
            var next = length < 0 ? end : position + length + 1;
            var lineEnd = length < 0 ? end : position + length;
            if (lineEnd > position && text[lineEnd - 1] == '\r')
            {
                lineEnd--;
            }

            var line = text.AsSpan(position, lineEnd - position);
            if (!IsSimpleText(line))
            {
                return false;
            }

            var trimmed = line.TrimEnd(' ');
            var indent = trimmed.Length - trimmed.TrimStart(' ').Length;
            if (indent < trimmed.Length && trimmed[indent] != '#')
            {
                if (indent == 0 && (trimmed.StartsWith("---", StringComparison.Ordinal) || trimmed.StartsWith("...", StringComparison.Ordinal)))
                {
                    return false; // a document marker
                }

                lines.Add(new Line(number, position, position + trimmed.Length, indent));
            }

            position = next;
        }

        return true;
    }

    /// <summary>Printable characters YAML reads the same everywhere: no tab, control character, BOM or non-ASCII line break.</summary>
    private static bool IsSimpleText(ReadOnlySpan<char> line)
    {
        foreach (var c in line)
        {
            if (c < ' ' || c is (>= '\u007F' and <= '\u009F') or '\u2028' or '\u2029' or '\uFEFF' or '\uFFFE' or '\uFFFF')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One content line: its 1-based number within the YAML, where it starts and ends (trimmed), and its indent.</summary>
    private readonly record struct Line(int Number, int Start, int End, int Indent)
    {
        /// <summary>Whether the text at the indent is a list item's dash ("-" then a space or the end of the line).</summary>
        public bool IsListItem(string text)
        {
            var at = Start + Indent;
            return at < End && text[at] == '-' && (at + 1 == End || text[at + 1] == ' ');
        }
    }
}
