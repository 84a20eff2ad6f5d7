using System.Reflection;
using ContentPipeline.Parsing;

namespace ContentPipeline.Tests.Parsing;

/// <summary>
/// Hostile and broken input: deep nesting, alias and merge-key bombs, oversized files, random corruption.
/// None may crash the process, hang, or throw; each must end in a located problem. A test finishing is the proof
/// that the input was cheap (a 100,000-deep nesting aborts a process that uses YamlDotNet's YamlStream).
/// </summary>
public class ParserHostileInputTests
{
    private const int Depth = 100_000;

    [Fact]
    public void Parse_FlowSequenceNested100000Deep_ReportsTooDeepWithoutCrashing()
    {
        var text = ArticleText.With("deep: " + new string('[', Depth) + new string(']', Depth));

        // "deep: " is 6 characters; the first '[' (column 7) is level 2 under the root mapping, so level 33 is column 38.
        ProblemAssert.Single(text.Parse(), ProblemCodes.TooDeep, 6, 38, "deeper than 32 levels");
    }

    [Fact]
    public void Parse_UnclosedFlowSequenceNested100000Deep_ReportsTooDeepWithoutCrashing()
    {
        var text = ArticleText.With("deep: " + new string('[', Depth));

        ProblemAssert.Single(text.Parse(), ProblemCodes.TooDeep, 6, 38, "deeper than 32 levels");
    }

    [Fact]
    public void Parse_FlowMappingNested100000Deep_ReportsTooDeepWithoutCrashing()
    {
        var text = ArticleText.With("deep: " + string.Concat(Enumerable.Repeat("{a: ", Depth)) + "1" + new string('}', Depth));

        // Each level adds "{a: " (4 characters): level 2 is column 7, level 33 is column 7 + 31 * 4.
        ProblemAssert.Single(text.Parse(), ProblemCodes.TooDeep, 6, 131, "deeper than 32 levels");
    }

    [Fact]
    public void Parse_BlockSequenceNested100000Deep_ReportsTooDeepWithoutCrashing()
    {
        var text = ArticleText.With("deep:", string.Concat(Enumerable.Repeat("- ", Depth)) + "x");

        // Each "- " opens a level: level 2 is column 1 of line 7, level 33 is column 1 + 31 * 2.
        ProblemAssert.Single(text.Parse(), ProblemCodes.TooDeep, 7, 63, "deeper than 32 levels");
    }

    [Fact]
    public void Parse_BlockMappingsNestedBeyondLimit_ReportsTooDeepAtFirstLevelTooMany()
    {
        var lines = Enumerable.Range(0, 40).Select(i => new string(' ', i) + $"k{i}:").ToArray();

        // The root is level 1; the mapping under "k0:" (line 7, column 2) is level 2, so level 33 starts on line 38, column 33.
        ProblemAssert.Single(ArticleText.With(lines).Parse(), ProblemCodes.TooDeep, 38, 33, "deeper than 32 levels");
    }

    [Fact]
    public void Parse_NestingExactlyAtCustomMaxDepth_Succeeds()
    {
        var limits = new FrontMatterLimits { MaxDepth = 4 };

        // Root mapping (1) > list (2) > list (3) > list (4).
        var article = ProblemAssert.Succeeded(ArticleText.With("extra: [[[1]]]", "block:", "  - - - 2").Parse(limits));

        Assert.Equal("""{"extra":[[[1]]],"block":[[[2]]]}""", article.Extensions?.ToJsonString());
    }

    [Fact]
    public void Parse_FlowNestingOneBeyondCustomMaxDepth_ReportsTooDeep()
    {
        var limits = new FrontMatterLimits { MaxDepth = 4 };

        // "extra: " is 7 characters; the fourth '[' (column 11) opens level 5.
        ProblemAssert.Single(ArticleText.With("extra: [[[[1]]]]").Parse(limits), ProblemCodes.TooDeep, 6, 11, "deeper than 4 levels");
    }

    [Fact]
    public void Parse_BlockNestingOneBeyondCustomMaxDepth_ReportsTooDeep()
    {
        var limits = new FrontMatterLimits { MaxDepth = 4 };

        ProblemAssert.Single(ArticleText.With("block:", "  - - - - 2").Parse(limits), ProblemCodes.TooDeep, 7, 9, "deeper than 4 levels");
    }

    [Fact]
    public void Parse_RealSeedUnderSmallestAllowedMaxDepth_Succeeds()
    {
        // FrontMatterLimits.MaxDepth says "The seed format needs 4", and its [Range] lets an operator configure that
        // minimum; a real seed (root > related > item > images > image) must still parse under it.
        var range = typeof(FrontMatterLimits).GetProperty(nameof(FrontMatterLimits.MaxDepth))!
            .GetCustomAttribute<System.ComponentModel.DataAnnotations.RangeAttribute>()!;
        var limits = new FrontMatterLimits { MaxDepth = Convert.ToInt32(range.Minimum, System.Globalization.CultureInfo.InvariantCulture) };

        var article = ProblemAssert.Succeeded(new FrontMatterParser(limits).Parse(File.ReadAllBytes(SeedPath), ArticleText.FileName));

        Assert.Equal(1280, Assert.Single(Assert.Single(article.Related).Images).Width);
    }

    [Fact]
    public void Parse_BillionLaughsAliasBomb_ReportsTooManyNodes()
    {
        var lines = new List<string> { "a: &a [" + string.Join(", ", Enumerable.Repeat("x", 10)) + "]" };
        for (var c = 'b'; c <= 'i'; c++)
        {
            lines.Add($"{c}: &{c} [" + string.Join(", ", Enumerable.Repeat($"*{(char)(c - 1)}", 10)) + "]");
        }

        // 10^9 nodes if expanded. Counted: root 1; line a 12; b 112; c 1,112; d 11,112 (12,349 in all); on line 10 ("e"),
        // key and list 2 more, then 11,111 per "*d": the 8th "*d" passes 100,000. "e: &e [" is 7 characters and each
        // "*d, " 4, so the 8th "*d" is at column 8 + 7 * 4.
        ProblemAssert.Single(ArticleText.With([.. lines]).Parse(), ProblemCodes.TooManyNodes, 10, 36, "more than 100000", "aliases");
    }

    [Fact]
    public void Parse_MergeKeyBomb_ReportsTooManyNodes()
    {
        // Each mapping merges the previous one and also holds it: its size doubles, level after level.
        var lines = new List<string> { "m0: &m0 {k0: [x, x, x, x, x, x, x, x, x, x]}" };
        for (var i = 1; i <= 40; i++)
        {
            lines.Add($"m{i}: &m{i} {{<<: *m{i - 1}, k{i}: *m{i - 1}}}");
        }

        var result = ArticleText.With([.. lines]).Parse();

        var problem = Assert.Single(result.Problems);
        Assert.Equal(ProblemCodes.TooManyNodes, problem.Code);
        Assert.Contains("merge keys", problem.Message, StringComparison.Ordinal);
        Assert.InRange(problem.Line, 7, 46);
        Assert.True(problem.Column > 1, $"column {problem.Column}");
        Assert.Null(result.Article);
    }

    [Fact]
    public void Parse_AliasReuseUnderCustomNodeLimit_IsCountedPerUse()
    {
        var limits = new FrontMatterLimits { MaxNodes = 100 };
        var list = "[" + string.Join(", ", Enumerable.Repeat("x", 20)) + "]";

        // The minimal article is 9 nodes, "l" and its list 22, "u" and its list 2, then 21 per use of "*l":
        // three uses make 96 nodes, a fourth 117 (the fourth "*l" is in column 17).
        ProblemAssert.Succeeded(ArticleText.With($"l: &l {list}", "u: [*l, *l, *l]").Parse(limits));
        ProblemAssert.Single(ArticleText.With($"l: &l {list}", "u: [*l, *l, *l, *l]").Parse(limits), ProblemCodes.TooManyNodes, 7, 17, "more than 100 ");
    }

    [Fact]
    public void Parse_FileOverSizeCap_ReportsTooLarge()
    {
        var limits = new FrontMatterLimits { MaxFileBytes = 2048 };
        var bytes = WithBodyToSize(3000);

        var problem = ProblemAssert.Single(ArticleText.ParseBytes(bytes, limits), ProblemCodes.TooLarge, 1, 1, "limit");

        Assert.Matches(@"3\D?000 bytes", problem.Message);
        Assert.Matches(@"2\D?048 bytes", problem.Message);
    }

    [Fact]
    public void Parse_FileExactlyAtSizeCap_Succeeds()
    {
        var limits = new FrontMatterLimits { MaxFileBytes = 2048 };

        ProblemAssert.Succeeded(ArticleText.ParseBytes(WithBodyToSize(2048), limits));
        ProblemAssert.Single(ArticleText.ParseBytes(WithBodyToSize(2049), limits), ProblemCodes.TooLarge, 1, 1);
    }

    [Fact]
    public void Parse_OversizedFileThatIsAlsoNotUtf8_ReportsOnlyTooLarge()
    {
        var limits = new FrontMatterLimits { MaxFileBytes = 2048 };
        var bytes = Enumerable.Repeat((byte)0xFF, 3000).ToArray();

        ProblemAssert.Single(ArticleText.ParseBytes(bytes, limits), ProblemCodes.TooLarge, 1, 1);
    }

    [Fact]
    public void TooLarge_MessageContainsSizeAndLimit()
    {
        var problem = FrontMatterParser.TooLarge("big.md", 5_000_000_000, 1_048_576);

        Assert.Equal(("big.md", 1, 1, ProblemCodes.TooLarge), (problem.File, problem.Line, problem.Column, problem.Code));
        Assert.Matches(@"5\D?000\D?000\D?000 bytes", problem.Message);
        Assert.Matches(@"1\D?048\D?576 bytes", problem.Message);
        Assert.Contains("limit", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TwoThousandRandomMutationsOfTheSeed_NeverThrowAndAlwaysLocateProblems()
    {
        var seed = File.ReadAllBytes(SeedPath);
        var parser = new FrontMatterParser(new FrontMatterLimits());
        var codes = typeof(ProblemCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);
        var random = new Random(42);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var thrown = new List<string>();

        for (var i = 0; i < 2000; i++)
        {
            var variant = Mutate(seed, random);
            var name = $"mutant-{i}.txt";
            ParseResult? result = null;
            var exception = Record.Exception(() => result = parser.Parse(variant, name));
            if (exception is not null)
            {
                // Collected rather than failed at once, so that one run shows every kind of crash.
                thrown.Add($"{name} threw {exception.GetType().Name}: {exception.Message}\n  at {exception.StackTrace?.Split('\n')[0].Trim()}\n  input (base64): {Convert.ToBase64String(variant)}");
                continue;
            }

            if (result!.Succeeded)
            {
                Assert.Empty(result.Problems);
                Assert.False(string.IsNullOrEmpty(result.Article.Title), name);
                outcomes["ok"] = outcomes.GetValueOrDefault("ok") + 1;
                continue;
            }

            Assert.Null(result.Article);
            Assert.NotEmpty(result.Problems);
            foreach (var problem in result.Problems)
            {
                var context = $"{name}: {problem.Code} {problem.Line}:{problem.Column} {problem.Message}";
                Assert.True(problem.Line >= 1 && problem.Column >= 1, context);
                Assert.Equal(name, problem.File);
                Assert.Contains(problem.Code, codes);
                Assert.False(string.IsNullOrWhiteSpace(problem.Message), context);
                outcomes[problem.Code] = outcomes.GetValueOrDefault(problem.Code) + 1;
            }
        }

        Assert.True(thrown.Count == 0, $"{thrown.Count} of 2000 variants threw:\n" + string.Join("\n", thrown.Take(5)));

        // The mutations must exercise both outcomes and several kinds of problem, or the test proves little.
        Assert.True(outcomes.GetValueOrDefault("ok") > 50, string.Join(", ", outcomes));
        Assert.True(outcomes.Count >= 6, string.Join(", ", outcomes));
    }

    private static string SeedPath => Path.Combine(AppContext.BaseDirectory, "seeds", "000_043b1fd4fbc56517.txt");

    /// <summary>A valid article whose body pads the file to exactly <paramref name="size"/> bytes.</summary>
    private static byte[] WithBodyToSize(int size)
    {
        var head = ArticleText.With().Bytes.Length;
        var bytes = ArticleText.With().WithBody(new string('x', size - head - 1) + "\n").Bytes;
        Assert.Equal(size, bytes.Length);
        return bytes;
    }

    private static readonly byte[] Interesting = "-:[]{}&*!|>'\"#%@,?<\n\r\t ~.0"u8.ToArray();

    /// <summary>Applies one to three random edits: delete, insert or replace bytes, truncate, or duplicate a line.</summary>
    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            switch (random.Next(5))
            {
                case 0 when bytes.Count > 0:
                    var at = random.Next(bytes.Count);
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 17), bytes.Count - at));
                    break;
                case 1:
                    var insertAt = random.Next(bytes.Count + 1);
                    for (var n = random.Next(1, 5); n > 0; n--)
                    {
                        bytes.Insert(insertAt, RandomByte(random));
                    }

                    break;
                case 2 when bytes.Count > 0:
                    bytes[random.Next(bytes.Count)] = RandomByte(random);
                    break;
                case 3:
                    var keep = random.Next(bytes.Count + 1);
                    bytes.RemoveRange(keep, bytes.Count - keep);
                    break;
                case 4:
                    var lines = Split(bytes);
                    var line = lines[random.Next(lines.Count)];
                    lines.Insert(random.Next(lines.Count + 1), line);
                    bytes = [.. lines.SelectMany(l => l)];
                    break;
            }
        }

        return [.. bytes];
    }

    private static byte RandomByte(Random random) =>
        random.Next(3) == 0 ? (byte)random.Next(256) : Interesting[random.Next(Interesting.Length)];

    /// <summary>Splits into lines, each keeping its '\n', so that joining them gives the bytes back.</summary>
    private static List<byte[]> Split(List<byte> bytes)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < bytes.Count; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                lines.Add([.. bytes.GetRange(start, i - start + 1)]);
                start = i + 1;
            }
        }

        lines.Add([.. bytes.GetRange(start, bytes.Count - start)]);
        return lines;
    }
}
