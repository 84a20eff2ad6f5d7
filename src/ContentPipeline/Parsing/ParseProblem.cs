namespace ContentPipeline.Parsing;

/// <summary>
/// One reason a file could not be turned into an article: where (file, 1-based line and column) and what.
/// <see cref="Code"/> is stable and machine-readable (see <see cref="ProblemCodes"/>); <see cref="Message"/> is for people.
/// </summary>
public sealed record ParseProblem(string File, int Line, int Column, string Code, string Message)
{
    /// <summary>The compiler-style form: <c>file:line:column: message</c>.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}
