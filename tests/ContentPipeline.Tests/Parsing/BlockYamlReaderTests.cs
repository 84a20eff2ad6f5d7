using System.Text;
using ContentPipeline.Parsing;

namespace ContentPipeline.Tests.Parsing;

/// <summary>
/// The fast reader must build exactly the tree YamlDotNet's path builds (values, quoting, positions, sizes, order), or
/// decline. Checked on the seed, on hand-written shapes at the edge of what it reads, and on thousands of random
/// mutations of the seed.
/// </summary>
public class BlockYamlReaderTests
{
    private static readonly FrontMatterLimits Limits = new();

    public static TheoryData<string> Accepted => new()
    {
        "a: 1\n",
        "a: 1\nb: two words\nc: \"quoted: text # not a comment\"\nd: 'it''s'\n",
        "a:\nb: 2\n",
        "a:   \n  # comment\n\nb: x\n",
        "list:\n  - one\n  - \"two\"\n  - 'three'\n",
        "list:\n- one\n- two\nafter: 1\n",
        "items:\n  - name: x\n    size: 1\n  - name: y\n    nested:\n      deep: z\n",
        "items:\n  -   name: x\n      size: 1\n",
        "m:\n  images:\n  - url: a\n    width: 1\n  k: v\n",
        "url: https://example.com/a?b=c&d=e#frag\n",
        "c: C#\nd: a:b\ne: -1\nf: ~\ng: null\nh: x[y]{z},w\n",
        "t: Künstliche Intelligenz – 😀 ‘quotes’\n",
        "crlf: 1\r\nnext: two\r\n",
        "trailing: value   \nx: 'single'   \n",
        "empty: \"\"\nalso: ''\n",
        "key-with.dots_and-dash: 1\n",
    };

    public static TheoryData<string> Declined => new()
    {
        "a: [1, 2]\n",
        "a: {b: 1}\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: |\n  text\n",
        "a: >\n  text\n",
        "a: \"escaped \\\" quote\"\n",
        "a: \"not closed\n  here\"\n",
        "a: plain\n  continued\n",
        "a: 1\na: 2\n",
        "a: 1 # comment\n",
        "a: b: c\n",
        "a: b:\n",
        "a:\tb\n",
        "\"quoted key\": 1\n",
        "<<: {a: 1}\n",
        "? complex\n: key\n",
        "- root list\n",
        "  indented: root\n",
        "a:\n  - \n  - x\n",
        "a:\n  - - nested\n",
        "a: x\n b: y\n",
        "a:\n    b: 1\n  c: 2\n",
        "%YAML 1.2\n",
        "a: 1\n...\n",
        "a: -\n",
        "a: \"x\" y\n",
        "a: 'x' y\n",
        "a: '\n",
        "a: \u0085b\n",
        "a: b\u2028c\n",
        "# only a comment\n",
        "",
        "a:\n  plain scalar on the next line\n",
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Reads_the_block_shapes_as_YamlDotNet_does(string yaml) =>
        Assert.True(Compare(yaml), $"declined: {yaml}");

    [Theory]
    [MemberData(nameof(Declined))]
    public void Declines_whatever_it_does_not_know(string yaml) =>
        Assert.False(Compare(yaml), $"read: {yaml}");

    [Fact]
    public void Reads_the_seed()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "seeds", "000_043b1fd4fbc56517.txt"));
        Assert.True(Compare(FrontMatterOf(text)));
    }

    [Fact]
    public void Declines_trees_over_the_limits()
    {
        var deep = new StringBuilder();
        for (var i = 0; i < Limits.MaxDepth + 1; i++)
        {
            deep.Append(' ', i * 2).Append("k:\n");
        }

        deep.Append(' ', (Limits.MaxDepth + 1) * 2).Append("v: 1\n");
        Assert.False(Compare(deep.ToString()));

        var wide = new StringBuilder("list:\n");
        for (var i = 0; i < Limits.MaxNodes; i++)
        {
            wide.Append("  - x\n");
        }

        Assert.False(Compare(wide.ToString()));
    }

    [Fact]
    public void Reads_wide_mappings_and_declines_their_duplicates()
    {
        var wide = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            wide.Append("key").Append(i).Append(": ").Append(i).Append('\n');
        }

        Assert.True(Compare(wide.ToString()));
        Assert.False(Compare(wide.Append("key17: again\n").ToString()));
        Assert.False(Compare("a: 1\nb: 2\nc: 3\na: 4\n"));
    }

    /// <summary>Random edits of the seed with YAML's own characters: every one is either read alike or declined.</summary>
    [Fact]
    public void Mutations_of_the_seed_are_read_alike_or_declined()
    {
        var seed = FrontMatterOf(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "seeds", "000_043b1fd4fbc56517.txt")));
        string[] pieces = [" ", "  ", "\n", "- ", ":", ": ", "#", " #", "'", "\"", "\\", "[", "{", "&a ", "*a", "!", "|", ">", "\t", "-", "?", "~", "\r\n", "x", "é"];
        var random = new Random(21);
        var read = 0;
        for (var i = 0; i < 4000; i++)
        {
            var text = new StringBuilder(seed);
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(text.Length);
                switch (random.Next(3))
                {
                    case 0:
                        text.Insert(at, pieces[random.Next(pieces.Length)]);
                        break;
                    case 1:
                        text.Remove(at, Math.Min(random.Next(1, 4), text.Length - at));
                        break;
                    default:
                        var lineStart = text.ToString().LastIndexOf('\n', Math.Max(0, at - 1)) + 1;
                        text.Insert(lineStart, "  ");
                        break;
                }
            }

            if (Compare(text.ToString()))
            {
                read++;
            }
        }

        // The comparison inside Compare is the test; this only shows that many mutants took the fast path.
        Assert.InRange(read, 500, 4000);
    }

    /// <summary>Reads <paramref name="yaml"/> both ways; returns whether the fast reader read it (and then asserts it matches).</summary>
    private static bool Compare(string yaml)
    {
        var text = "---\n" + yaml;
        var fast = BlockYamlReader.TryRead(text, 4, text.Length, Limits, lineOffset: 1, out var root);
        if (!fast)
        {
            return false;
        }

        var problems = new List<ParseProblem>();
        var slow = YamlTreeReader.Read(yaml, Limits, "f", lineOffset: 1, problems);
        Assert.True(problems.Count == 0, $"the fast reader read what YamlDotNet rejects ({string.Join("; ", problems)}):\n{yaml}");
        AssertSame(slow, root, "$", yaml);
        return true;
    }

    private static void AssertSame(YamlValue? expected, YamlValue? actual, string path, string yaml)
    {
        // Messages are built only on a failure: a wide document has tens of thousands of nodes.
        void Check(bool holds, Func<string> what)
        {
            if (!holds)
            {
                Assert.Fail($"{what()} at {path} of:\n{yaml}");
            }
        }

        Assert.NotNull(expected);
        Assert.NotNull(actual);
        Check(expected.GetType() == actual.GetType(), () => $"{expected.KindName} read as {actual.KindName}");
        Check(expected.Start == actual.Start, () => $"position {expected.Start} read as {actual.Start}");
        Check(expected.Size == actual.Size, () => $"size {expected.Size} read as {actual.Size}");
        switch (expected)
        {
            case YamlScalarValue scalar:
                var other = (YamlScalarValue)actual;
                Check(scalar.Value == other.Value && scalar.IsPlain == other.IsPlain,
                    () => $"'{scalar.Value}' (plain {scalar.IsPlain}) read as '{other.Value}' (plain {other.IsPlain})");
                break;
            case YamlSequenceValue list:
                var items = ((YamlSequenceValue)actual).Items;
                Check(list.Items.Count == items.Count, () => $"{list.Items.Count} items read as {items.Count}");
                for (var i = 0; i < items.Count; i++)
                {
                    AssertSame(list.Items[i], items[i], $"{path}[{i}]", yaml);
                }

                break;
            case YamlMappingValue mapping:
                var entries = ((YamlMappingValue)actual).Entries;
                Check(mapping.Entries.Count == entries.Count, () => $"{mapping.Entries.Count} entries read as {entries.Count}");
                for (var i = 0; i < entries.Count; i++)
                {
                    AssertSame(mapping.Entries[i].Key, entries[i].Key, $"{path}.key{i}", yaml);
                    AssertSame(mapping.Entries[i].Value, entries[i].Value, $"{path}.{mapping.Entries[i].Key.Value}", yaml);
                }

                break;
        }
    }

    private static string FrontMatterOf(string text)
    {
        var start = text.IndexOf('\n', StringComparison.Ordinal) + 1;
        var end = text.IndexOf("\n---", start - 1, StringComparison.Ordinal);
        return text[start..(end + 1)];
    }
}
