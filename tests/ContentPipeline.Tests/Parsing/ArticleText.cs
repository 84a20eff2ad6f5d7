using System.Text;
using ContentPipeline.Articles;
using ContentPipeline.Parsing;

namespace ContentPipeline.Tests.Parsing;

/// <summary>
/// Builds the text of an article file for a test: the opening '---' (line 1), a valid minimal front matter
/// (lines 2 to 5), any added field lines (from line 6 on), the closing '---', then an optional body.
/// A test replaces, removes or adds lines to make exactly the file it needs.
/// </summary>
internal sealed class ArticleText
{
    /// <summary>The file name passed to the parser; every problem must carry it.</summary>
    public const string FileName = "2022/11/italy-bans-facial-recognition.md";

    /// <summary>The file line of the first line added with <see cref="Add"/> to a minimal article.</summary>
    public const int FirstAddedLine = 6;

    public const string Title = "Italy bans facial recognition";
    public const string WebUrl = "https://example.com/articles/italy";

    private readonly List<string> _lines =
    [
        "category: news",                             // line 2
        $"title: {Title}",                            // line 3
        "publishedDateTime: 2022-11-15T17:36:00Z",    // line 4
        $"webUrl: {WebUrl}",                          // line 5
    ];

    private string _body = string.Empty;

    /// <summary>A minimal valid article plus <paramref name="lines"/> (added from line 6 on).</summary>
    public static ArticleText With(params string[] lines) => new ArticleText().Add(lines);

    public ArticleText Add(params string[] lines)
    {
        _lines.AddRange(lines);
        return this;
    }

    /// <summary>Replaces the line of the field <paramref name="key"/> with <paramref name="line"/> (same line number).</summary>
    public ArticleText Replace(string key, string line)
    {
        _lines[IndexOf(key)] = line;
        return this;
    }

    public ArticleText Remove(string key)
    {
        _lines.RemoveAt(IndexOf(key));
        return this;
    }

    /// <summary>Sets the text written after the closing '---' line (and its line break).</summary>
    public ArticleText WithBody(string body)
    {
        _body = body;
        return this;
    }

    public string Text => "---\n" + string.Join('\n', _lines) + "\n---\n" + _body;

    public byte[] Bytes => Encoding.UTF8.GetBytes(Text);

    public ParseResult Parse(FrontMatterLimits? limits = null) => ParseText(Text, limits);

    public static ParseResult ParseText(string text, FrontMatterLimits? limits = null) =>
        ParseBytes(Encoding.UTF8.GetBytes(text), limits);

    public static ParseResult ParseBytes(byte[] bytes, FrontMatterLimits? limits = null) =>
        new FrontMatterParser(limits ?? new FrontMatterLimits()).Parse(bytes, FileName);

    private int IndexOf(string key)
    {
        var index = _lines.FindIndex(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        return index >= 0 ? index : throw new InvalidOperationException($"The test article has no '{key}' line.");
    }
}

/// <summary>Assertions on parse problems, as a user reads them: code, file, line, column and the words of the message.</summary>
internal static class ProblemAssert
{
    /// <summary>Asserts that parsing failed with exactly one problem, as described, and returns it.</summary>
    public static ParseProblem Single(ParseResult result, string code, int line, int column, params string[] messageWords)
    {
        Assert.False(result.Succeeded, "expected the parse to fail");
        Assert.Null(result.Article);
        var problem = Assert.Single(result.Problems);
        Is(problem, code, line, column, messageWords);
        return problem;
    }

    /// <summary>Asserts that <paramref name="problem"/> is as described.</summary>
    public static void Is(ParseProblem problem, string code, int line, int column, params string[] messageWords)
    {
        Assert.Equal(code, problem.Code);
        Assert.Equal(ArticleText.FileName, problem.File);
        Assert.Equal((line, column), (problem.Line, problem.Column));
        foreach (var word in messageWords)
        {
            Assert.Contains(word, problem.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>Asserts that the parse succeeded, showing the problems when it did not.</summary>
    public static Article Succeeded(ParseResult result)
    {
        Assert.True(result.Succeeded, "expected success, got: " + string.Join(" | ", result.Problems));
        Assert.Empty(result.Problems);
        return result.Article;
    }
}
