using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ContentPipeline.Parsing;

/// <summary>
/// Builds a <see cref="YamlValue"/> tree from YAML text, iteratively, enforcing <see cref="FrontMatterLimits"/>:
/// nesting depth, a node budget that counts every alias and merge-key expansion (alias bombs stop here, not in
/// whatever walks the result later), duplicate keys, and one document. YamlDotNet's <c>YamlStream</c> is not used:
/// it recurses per nesting level and aborts the process on deeply nested input.
/// </summary>
internal sealed partial class YamlTreeReader
{
    private const string MergeKey = "<<";

    private readonly FrontMatterLimits _limits;
    private readonly string _file;
    private readonly int _lineOffset;
    private readonly List<ParseProblem> _problems;
    private readonly Dictionary<string, YamlValue> _anchors = new(StringComparer.Ordinal);
    private readonly Stack<Frame> _stack = new();
    private long _nodes;
    private Mark _lastMark = Mark.Empty;

    private YamlTreeReader(FrontMatterLimits limits, string file, int lineOffset, List<ParseProblem> problems)
    {
        _limits = limits;
        _file = file;
        _lineOffset = lineOffset;
        _problems = problems;
    }

    /// <summary>
    /// Reads <paramref name="yaml"/>, whose first line is line <paramref name="lineOffset"/> + 1 of the file.
    /// Returns the root, or <see langword="null"/> for an empty document; problems are added to <paramref name="problems"/>.
    /// </summary>
    public static YamlValue? Read(string yaml, FrontMatterLimits limits, string file, int lineOffset, List<ParseProblem> problems)
    {
        var reader = new YamlTreeReader(limits, file, lineOffset, problems);
        var before = problems.Count;
        try
        {
            var root = reader.ReadDocument(new Parser(new StringReader(yaml)));
            return problems.Count > before ? null : root;
        }
        catch (YamlException ex)
        {
            problems.Add(reader.Problem(reader.Position(ex.Start), ProblemCodes.InvalidYaml, $"invalid YAML: {StripMarks(ex.Message)}"));
            return null;
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet 18.1's scanner throws this (not a YamlException) for a flow collection continued on an
            // unindented line, e.g. "topics: [AI," then "Robots]". It carries no position: report where parsing stopped.
            problems.Add(reader.Problem(reader.Position(reader._lastMark), ProblemCodes.InvalidYaml, $"invalid YAML after this point: {ex.Message}"));
            return null;
        }
    }

    private YamlValue? ReadDocument(Parser parser)
    {
        YamlValue? root = null;
        var documents = 0;
        while (parser.MoveNext())
        {
            _lastMark = parser.Current!.End;
            switch (parser.Current)
            {
                case DocumentStart start:
                    if (++documents > 1)
                    {
                        AddProblem(Position(start.Start), ProblemCodes.NotAMapping, "the front matter holds more than one YAML document; keep one mapping of fields between the '---' lines");
                        return null;
                    }

                    break;

                case Scalar scalar:
                    var isPlain = scalar.Style == ScalarStyle.Plain && scalar.Tag.IsEmpty;
                    if (!Count(1, scalar.Start) || !Attach(new YamlScalarValue(Position(scalar.Start), scalar.Value, isPlain), scalar.Anchor, ref root))
                    {
                        return null;
                    }

                    break;

                case AnchorAlias alias:
                    if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                    {
                        AddProblem(Position(alias.Start), ProblemCodes.UnknownAnchor, $"alias '*{alias.Value.Value}' refers to no anchor defined before it");
                        return null;
                    }

                    if (!Count(target.Size, alias.Start) || !Attach(target, AnchorName.Empty, ref root))
                    {
                        return null;
                    }

                    break;

                case SequenceStart sequence:
                    if (!Open(new YamlSequenceValue(Position(sequence.Start)), sequence.Anchor, sequence.Start))
                    {
                        return null;
                    }

                    break;

                case MappingStart mapping:
                    if (!Open(new YamlMappingValue(Position(mapping.Start)), mapping.Anchor, mapping.Start))
                    {
                        return null;
                    }

                    break;

                case SequenceEnd or MappingEnd:
                    var frame = _stack.Pop();
                    if (frame.Node is YamlMappingValue map && !Complete(map))
                    {
                        return null;
                    }

                    frame.Node.Size = 1 + SizeOfChildren(frame.Node);
                    if (!Attach(frame.Node, frame.Anchor, ref root))
                    {
                        return null;
                    }

                    break;
            }
        }

        return root;
    }

    private bool Open(YamlValue node, AnchorName anchor, Mark start)
    {
        if (_stack.Count + 1 > _limits.MaxDepth)
        {
            AddProblem(Position(start), ProblemCodes.TooDeep, $"nesting is deeper than {_limits.MaxDepth} levels");
            return false;
        }

        if (!Count(1, start))
        {
            return false;
        }

        _stack.Push(new Frame(node, anchor));
        return true;
    }

    private bool Count(long nodes, Mark at)
    {
        _nodes += nodes;
        if (_nodes <= _limits.MaxNodes)
        {
            return true;
        }

        AddProblem(Position(at), ProblemCodes.TooManyNodes, $"the front matter expands to more than {_limits.MaxNodes} YAML nodes (aliases and merge keys count each time they are used)");
        return false;
    }

    /// <summary>Adds a finished node to its parent (or makes it the root) and registers its anchor.</summary>
    private bool Attach(YamlValue node, AnchorName anchor, ref YamlValue? root)
    {
        if (!anchor.IsEmpty)
        {
            _anchors[anchor.Value] = node;
        }

        if (_stack.Count == 0)
        {
            root = node;
            return true;
        }

        var parent = _stack.Peek();
        switch (parent.Node)
        {
            case YamlSequenceValue sequence:
                sequence.Items.Add(node);
                return true;

            case YamlMappingValue mapping when parent.PendingKey is null:
                if (node is not YamlScalarValue key)
                {
                    AddProblem(node.Start, ProblemCodes.NotAMapping, $"a key must be plain text, not {node.KindName}");
                    return false;
                }

                parent.PendingKey = key;
                return true;

            case YamlMappingValue mapping:
                mapping.Entries.Add(new(parent.PendingKey, node));
                parent.PendingKey = null;
                return true;

            default:
                throw new InvalidOperationException("A scalar cannot be a parent.");
        }
    }

    /// <summary>Applies merge keys (<c>&lt;&lt;</c>) and reports duplicate keys.</summary>
    private bool Complete(YamlMappingValue mapping)
    {
        var explicitKeys = new Dictionary<string, int>(StringComparer.Ordinal);
        List<KeyValuePair<YamlScalarValue, YamlValue>>? merged = null;
        var ok = true;
        foreach (var (key, value) in mapping.Entries)
        {
            if (key.IsPlain && key.Value == MergeKey)
            {
                if (!CollectMerge(value, merged ??= []))
                {
                    return false;
                }

                continue;
            }

            if (!explicitKeys.TryAdd(key.Value, key.Start.Line))
            {
                AddProblem(key.Start, ProblemCodes.DuplicateKey, $"duplicate key '{key.Value}' (first defined on line {explicitKeys[key.Value]})");
                ok = false;
            }
        }

        if (merged is null)
        {
            return ok;
        }

        mapping.Entries.RemoveAll(static e => e.Key.IsPlain && e.Key.Value == MergeKey);
        var present = new HashSet<string>(explicitKeys.Keys, StringComparer.Ordinal);
        foreach (var entry in merged)
        {
            // Explicit keys win over merged ones, and earlier merged mappings over later ones (YAML merge-key rules).
            if (present.Add(entry.Key.Value))
            {
                mapping.Entries.Add(entry);
            }
        }

        return ok;
    }

    private bool CollectMerge(YamlValue value, List<KeyValuePair<YamlScalarValue, YamlValue>> into)
    {
        switch (value)
        {
            case YamlMappingValue source:
                into.AddRange(source.Entries);
                return true;
            case YamlSequenceValue list when list.Items.TrueForAll(static i => i is YamlMappingValue):
                foreach (var item in list.Items)
                {
                    into.AddRange(((YamlMappingValue)item).Entries);
                }

                return true;
            default:
                AddProblem(value.Start, ProblemCodes.NotAMapping, $"a merge key '<<' must refer to a mapping or a list of mappings, not {value.KindName}");
                return false;
        }
    }

    private static long SizeOfChildren(YamlValue node) => node switch
    {
        YamlSequenceValue s => s.Items.Sum(static i => i.Size),
        YamlMappingValue m => m.Entries.Sum(static e => e.Key.Size + e.Value.Size),
        _ => 0,
    };

    private TextPosition Position(Mark mark) =>
        new((int)Math.Min(int.MaxValue, mark.Line + _lineOffset), (int)Math.Min(int.MaxValue, mark.Column));

    private void AddProblem(TextPosition at, string code, string message) => _problems.Add(Problem(at, code, message));

    private ParseProblem Problem(TextPosition at, string code, string message) => new(_file, at.Line, at.Column, code, message);

    /// <summary>YamlDotNet prefixes messages with positions relative to the slice; ours are relative to the file.</summary>
    private static string StripMarks(string message) => MarkPrefix().Replace(message, string.Empty);

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex MarkPrefix();

    private sealed class Frame(YamlValue node, AnchorName anchor)
    {
        public YamlValue Node { get; } = node;

        public AnchorName Anchor { get; } = anchor;

        public YamlScalarValue? PendingKey { get; set; }
    }
}
