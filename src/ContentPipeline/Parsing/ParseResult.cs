using System.Diagnostics.CodeAnalysis;
using ContentPipeline.Articles;

namespace ContentPipeline.Parsing;

/// <summary>The outcome of parsing one file: either an article, or the problems that prevented it.</summary>
public sealed class ParseResult
{
    private ParseResult(Article? article, IReadOnlyList<ParseProblem> problems, int bodyLine = 0)
    {
        Article = article;
        Problems = problems;
        BodyLine = bodyLine;
    }

    /// <summary>The line the Markdown body starts on (after the closing <c>---</c>), when parsing succeeded.</summary>
    public int BodyLine { get; }

    /// <summary>The article, when parsing succeeded.</summary>
    public Article? Article { get; }

    /// <summary>What is wrong with the file; empty when parsing succeeded.</summary>
    public IReadOnlyList<ParseProblem> Problems { get; }

    /// <summary>Whether the file yielded an article.</summary>
    [MemberNotNullWhen(true, nameof(Article))]
    public bool Succeeded => Article is not null;

    internal static ParseResult Success(Article article, int bodyLine) => new(article, [], bodyLine);

    internal static ParseResult Failure(IReadOnlyList<ParseProblem> problems) => new(null, problems);

    internal static ParseResult Failure(ParseProblem problem) => new(null, [problem]);
}
