using System.Reflection;
using System.Text;
using ContentPipeline.Parsing;

namespace ContentPipeline.Tests.Parsing;

/// <summary>Files the parser must reject, and where and how it says so (lines and columns are 1-based, in the file).</summary>
public class ParserProblemTests
{
    [Fact]
    public void Parse_UnterminatedQuotedString_ReportsInvalidYamlAtItsFileLine()
    {
        var problem = ProblemAssert.Single(ArticleText.With("excerpt: \"unterminated").Parse(),
            ProblemCodes.InvalidYaml, 6, 10, "invalid YAML", "quoted scalar");

        // YamlDotNet's own positions are relative to the front-matter slice; they must not leak into the message.
        Assert.DoesNotContain("Line:", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BadIndentation_ReportsInvalidYamlAtTheMisindentedLine()
    {
        ProblemAssert.Single(ArticleText.With("provider:", "  name: IET", " domain: theiet.org").Parse(),
            ProblemCodes.InvalidYaml, 8, 2, "invalid YAML", "block mapping");
    }

    [Fact]
    public void Parse_MissingClosingDelimiter_ReportsLineOfOpening()
    {
        ProblemAssert.Single(ArticleText.ParseText("---\ncategory: news\ntitle: T\n\nBody without a closing line\n"),
            ProblemCodes.UnclosedFrontMatter, 1, 1, "'---' on line 1", "never closed");
    }

    [Theory]
    [InlineData("----")]
    [InlineData("--- end")]
    [InlineData(" ---")]
    [InlineData("...")]
    public void Parse_ClosingLineThatIsNotExactlyADelimiter_ReportsUnclosedFrontMatter(string closing)
    {
        var text = $"---\ncategory: news\ntitle: T\npublishedDateTime: 2022-11-15T17:36:00Z\nwebUrl: https://example.com/a\n{closing}\n";

        ProblemAssert.Single(ArticleText.ParseText(text), ProblemCodes.UnclosedFrontMatter, 1, 1, "never closed");
    }

    [Theory]
    [InlineData("title: No delimiters\n---\n")]
    [InlineData("Just a Markdown file.\n")]
    [InlineData("\n---\ntitle: T\n---\n")]
    [InlineData(" ---\ntitle: T\n---\n")]
    [InlineData("----\ntitle: T\n---\n")]
    [InlineData("--- title: T\n---\n")]
    [InlineData("   \n")]
    public void Parse_FileNotStartingWithDelimiterLine_ReportsNoFrontMatter(string text)
    {
        ProblemAssert.Single(ArticleText.ParseText(text), ProblemCodes.NoFrontMatter, 1, 1, "no front matter", "start with a '---' line");
    }

    [Fact]
    public void Parse_EmptyFile_ReportsNoFrontMatter()
    {
        ProblemAssert.Single(ArticleText.ParseBytes([]), ProblemCodes.NoFrontMatter, 1, 1, "no front matter");
    }

    [Fact]
    public void Parse_FileWithOnlyAByteOrderMark_ReportsNoFrontMatter()
    {
        ProblemAssert.Single(ArticleText.ParseBytes([0xEF, 0xBB, 0xBF]), ProblemCodes.NoFrontMatter, 1, 1, "no front matter");
    }

    [Theory]
    [InlineData("quality: high", 10, "'quality'", "whole number", "'high'")]
    [InlineData("quality: \"24\"", 10, "'quality'", "whole number", "quoted", "remove the quotes")]
    [InlineData("quality: 2147483648", 10, "'quality'", "2147483647", "2147483648")]
    [InlineData("heat: 1.5", 7, "'heat'", "whole number", "'1.5'")]
    [InlineData("heat: [1]", 7, "'heat'", "whole number", "a list")]
    [InlineData("published: yes", 12, "'published'", "true or false", "'yes'")]
    [InlineData("published: 'true'", 12, "'published'", "true or false", "quoted")]
    [InlineData("topics: AI", 9, "'topics'", "must be a list", "a plain value")]
    [InlineData("images: {url: x}", 9, "'images'", "must be a list", "a mapping")]
    [InlineData("related: none", 10, "'related'", "must be a list")]
    [InlineData("provider: IET", 11, "'provider'", "must be a mapping", "a plain value")]
    [InlineData("excerpt: [a, b]", 10, "'excerpt'", "must be text", "a list")]
    [InlineData("secured: {a: 1}", 10, "'secured'", "must be text", "a mapping")]
    public void Parse_FieldOfWrongType_ReportsWrongTypeAtTheValue(string line, int column, params string[] messageWords)
    {
        ProblemAssert.Single(ArticleText.With(line).Parse(), ProblemCodes.WrongType, ArticleText.FirstAddedLine, column, messageWords);
    }

    [Fact]
    public void Parse_TitleGivenAsList_ReportsWrongTypeAndNotMissing()
    {
        ProblemAssert.Single(ArticleText.With().Replace("title", "title: [Italy, bans]").Parse(),
            ProblemCodes.WrongType, 3, 8, "'title'", "must be text", "a list");
    }

    [Fact]
    public void Parse_NegativeImageWidth_ReportsWrongTypeWithItemPath()
    {
        const string Line = "images: [ {url: \"https://example.com/i.jpg\", width: -3} ]";

        ProblemAssert.Single(ArticleText.With(Line).Parse(),
            ProblemCodes.WrongType, 6, Line.IndexOf("-3", StringComparison.Ordinal) + 1, "'images[0].width'", "from 0", "-3");
    }

    [Fact]
    public void Parse_TopicWithoutLetterOrDigit_ReportsWrongTypeWithItemPath()
    {
        ProblemAssert.Single(ArticleText.With("topics: [AI, \"?!\"]").Parse(),
            ProblemCodes.WrongType, 6, 14, "'topics[1]'", "letter or digit", "?!");
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2022-13-45T00:00:00Z")]
    [InlineData("2022-11-15T25:00:00Z")]
    [InlineData("15/11/2022")]
    [InlineData("2022-11-15T17:36:00 Europe/Rome")]
    public void Parse_UnparseablePublishedDateTime_ReportsInvalidDate(string value)
    {
        ProblemAssert.Single(ArticleText.With().Replace("publishedDateTime", $"publishedDateTime: {value}").Parse(),
            ProblemCodes.InvalidDate, 4, 20, "'publishedDateTime'", "ISO 8601", value);
    }

    [Fact]
    public void Parse_UnparseableRelatedDate_ReportsInvalidDateWithItemPath()
    {
        ProblemAssert.Single(ArticleText.With(
                "related:",
                "  - title: R",
                "    webUrl: https://example.com/r",
                "    publishedDateTime: last week").Parse(),
            ProblemCodes.InvalidDate, 9, 24, "'related[0].publishedDateTime'", "last week");
    }

    [Theory]
    [InlineData("not a url", 9)]
    [InlineData("ftp://x/y", 9)]
    [InlineData("/a/b", 9)]
    [InlineData("example.com/a", 9)]
    [InlineData("mailto:news@example.com", 9)]
    [InlineData("\"https://example.com/a \"", 9)]
    [InlineData("\"https:///a\"", 9)]
    public void Parse_InvalidWebUrl_ReportsInvalidUrl(string value, int column)
    {
        ProblemAssert.Single(ArticleText.With().Replace("webUrl", $"webUrl: {value}").Parse(),
            ProblemCodes.InvalidUrl, 5, column, "'webUrl'", "absolute http or https URL", value.Trim('"'));
    }

    [Fact]
    public void Parse_InvalidOriginalUrl_ReportsInvalidUrl()
    {
        ProblemAssert.Single(ArticleText.With("originalUrl: ftp://x/y").Parse(),
            ProblemCodes.InvalidUrl, 6, 14, "'originalUrl'", "absolute http or https URL", "ftp://x/y");
    }

    [Fact]
    public void Parse_InvalidImageUrl_ReportsInvalidUrlWithItemPath()
    {
        ProblemAssert.Single(ArticleText.With("images:", "  - url: not-a-url", "    width: 10").Parse(),
            ProblemCodes.InvalidUrl, 7, 10, "'images[0].url'", "not-a-url");
    }

    [Fact]
    public void Parse_InvalidRelatedWebUrl_ReportsInvalidUrlWithItemIndex()
    {
        ProblemAssert.Single(ArticleText.With(
                "related:",
                "  - title: R1",
                "    webUrl: https://example.com/r1",
                "  - title: R2",
                "    webUrl: /relative/path").Parse(),
            ProblemCodes.InvalidUrl, 10, 13, "'related[1].webUrl'", "/relative/path");
    }

    [Theory]
    [InlineData("\uFFFD")]
    [InlineData("\u200D")]
    [InlineData("\uE000")]
    public void Parse_WebUrlHostNotValidForIdn_ReportsInvalidUrlInsteadOfThrowing(string character)
    {
        var text = ArticleText.With().Replace("webUrl", $"webUrl: \"https://ex{character}ample.com/a\"");
        ParseResult? result = null;

        var exception = Record.Exception(() => result = text.Parse());

        Assert.Null(exception);
        ProblemAssert.Single(result!, ProblemCodes.InvalidUrl, 5, 9, "'webUrl'");
    }

    [Fact]
    public void Parse_OriginalUrlHostNotValidForIdn_ReportsInvalidUrlInsteadOfThrowing()
    {
        var text = ArticleText.With("originalUrl: \"https://ean\uFFFDt.theiet.org/content/a/\"");
        ParseResult? result = null;

        var exception = Record.Exception(() => result = text.Parse());

        Assert.Null(exception);
        ProblemAssert.Single(result!, ProblemCodes.InvalidUrl, 6, 14, "'originalUrl'");
    }

    [Theory]
    [InlineData("topics: [AI,", "Robots]")]
    [InlineData("topics: [AI", "Robots")]
    [InlineData("provider: {name: IET,", "domain: theiet.org}")]
    public void Parse_FlowCollectionContinuedOnUnindentedLine_ReportsInvalidYamlInsteadOfThrowing(string line6, string line7)
    {
        // YAML needs the continuation line of a flow collection indented past its key; YamlDotNet's scanner throws
        // InvalidOperationException (not a YamlException) here. The position is on one of the two lines.
        var text = ArticleText.With(line6, line7);
        ParseResult? result = null;

        var exception = Record.Exception(() => result = text.Parse());

        Assert.Null(exception);
        Assert.False(result!.Succeeded);
        var problem = Assert.Single(result.Problems);
        Assert.Equal((ProblemCodes.InvalidYaml, ArticleText.FileName), (problem.Code, problem.File));
        Assert.InRange(problem.Line, 6, 7);
        Assert.True(problem.Column >= 1, $"column {problem.Column}");
        Assert.Contains("invalid YAML", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateTitle_ReportsDuplicateKeyAtSecondNamingFirstLine()
    {
        ProblemAssert.Single(ArticleText.With("title: Again").Parse(),
            ProblemCodes.DuplicateKey, 6, 1, "duplicate key 'title'", "first defined on line 3");
    }

    [Fact]
    public void Parse_DuplicateKeyInNestedMapping_ReportsDuplicateKeyAtSecond()
    {
        ProblemAssert.Single(ArticleText.With("provider:", "  name: A", "  domain: a.com", "  name: B").Parse(),
            ProblemCodes.DuplicateKey, 9, 3, "duplicate key 'name'", "first defined on line 7");
    }

    [Theory]
    [InlineData("title")]
    [InlineData("category")]
    [InlineData("publishedDateTime")]
    [InlineData("webUrl")]
    public void Parse_MissingRequiredField_ReportsMissingFieldNamingIt(string field)
    {
        ProblemAssert.Single(ArticleText.With("type: article").Remove(field).Parse(),
            ProblemCodes.MissingField, 2, 1, $"required field '{field}' is missing");
    }

    [Theory]
    [InlineData("title: ~")]
    [InlineData("title: null")]
    [InlineData("title:")]
    public void Parse_RequiredFieldSetToNull_ReportsMissingField(string line)
    {
        ProblemAssert.Single(ArticleText.With().Replace("title", line).Parse(),
            ProblemCodes.MissingField, 2, 1, "required field 'title' is missing");
    }

    [Fact]
    public void Parse_CapitalisedTitleKey_ReportsMissingFieldWithCaseSensitivityHint()
    {
        ProblemAssert.Single(ArticleText.With().Replace("title", "Title: Italy bans it").Parse(),
            ProblemCodes.MissingField, 2, 1, "required field 'title' is missing", "found 'Title' on line 3", "case-sensitive");
    }

    [Theory]
    [InlineData("title: \"  \"")]
    [InlineData("title: \"\"")]
    [InlineData("title: '\t'")]
    public void Parse_BlankTitle_ReportsMissingFieldAtTheValue(string line)
    {
        ProblemAssert.Single(ArticleText.With().Replace("title", line).Parse(),
            ProblemCodes.MissingField, 3, 8, "'title'", "must not be blank");
    }

    [Fact]
    public void Parse_RelatedItemWithoutTitle_ReportsMissingFieldWithItemPath()
    {
        ProblemAssert.Single(ArticleText.With("related:", "  - webUrl: https://example.com/r").Parse(),
            ProblemCodes.MissingField, 7, 5, "required field 'related[0].title' is missing");
    }

    [Fact]
    public void Parse_EmptyFrontMatter_ReportsEveryRequiredFieldMissing()
    {
        var result = ArticleText.ParseText("---\n---\nBody\n");

        Assert.False(result.Succeeded);
        Assert.Equal(4, result.Problems.Count);
        Assert.All(result.Problems, p => Assert.Equal((ProblemCodes.MissingField, 1, 1), (p.Code, p.Line, p.Column)));
        Assert.Equal(
            ["'title'", "'category'", "'publishedDateTime'", "'webUrl'"],
            result.Problems.Select(p => p.Message.Split(' ')[2]));
    }

    [Fact]
    public void Parse_BadQualityAndBadDate_ReportsBothProblems()
    {
        var result = ArticleText.With("quality: high")
            .Replace("publishedDateTime", "publishedDateTime: yesterday").Parse();

        Assert.False(result.Succeeded);
        Assert.Equal(2, result.Problems.Count);
        ProblemAssert.Is(Assert.Single(result.Problems, p => p.Code == ProblemCodes.InvalidDate), ProblemCodes.InvalidDate, 4, 20, "'publishedDateTime'", "yesterday");
        ProblemAssert.Is(Assert.Single(result.Problems, p => p.Code == ProblemCodes.WrongType), ProblemCodes.WrongType, 6, 10, "'quality'", "high");
    }

    [Fact]
    public void Parse_ProblemsInSeveralPlaces_ReportsEachWithItsPosition()
    {
        var result = ArticleText.With(
            "quality: high",
            "images: [{url: nope}]",
            "related:",
            "  - title: R",
            "    webUrl: ftp://example.com/r")
            .Remove("category").Parse(); // without the category line, quality is on line 5 and the related webUrl on line 9

        Assert.False(result.Succeeded);
        Assert.Equal(
            [
                (ProblemCodes.MissingField, 2, 1),
                (ProblemCodes.WrongType, 5, 10),
                (ProblemCodes.InvalidUrl, 6, 16),
                (ProblemCodes.InvalidUrl, 9, 13),
            ],
            result.Problems.Select(p => (p.Code, p.Line, p.Column)).OrderBy(p => p.Line));
        Assert.Contains(result.Problems, p => p.Message.Contains("'images[0].url'", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.Message.Contains("'related[0].webUrl'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("- a\n- b", "a list")]
    [InlineData("[title, category]", "a list")]
    [InlineData("just some text", "a plain value")]
    [InlineData("\"quoted text\"", "quoted text")]
    public void Parse_FrontMatterThatIsNotAMapping_ReportsNotAMapping(string frontMatter, string kind)
    {
        ProblemAssert.Single(ArticleText.ParseText($"---\n{frontMatter}\n---\n"),
            ProblemCodes.NotAMapping, 2, 1, "must be a mapping of fields", kind);
    }

    [Fact]
    public void Parse_SecondYamlDocumentAfterDocumentEndMarker_ReportsNotAMapping()
    {
        // YamlDotNet reads '...' then more content as a second (bare) document; the reader counts DocumentStart
        // events and reports more than one as not-a-mapping, at the start of the second document.
        ProblemAssert.Single(ArticleText.With("...", "type: second").Parse(),
            ProblemCodes.NotAMapping, 7, 1, "more than one YAML document");
    }

    [Fact]
    public void Parse_SecondYamlDocumentStartedByDirectiveEndMarkerWithContent_ReportsNotAMapping()
    {
        // '--- type: second' is not a front-matter delimiter (text follows the dashes), so YAML sees a new document.
        ProblemAssert.Single(ArticleText.With("--- type: second").Parse(),
            ProblemCodes.NotAMapping, 6, 1, "more than one YAML document");
    }

    [Fact]
    public void Parse_AliasToUnknownAnchor_ReportsUnknownAnchorAtTheAlias()
    {
        // YamlDotNet's parser does not resolve aliases (only its representation model does, which is not used),
        // so the tree reader's own anchor table reports it as unknown-anchor rather than invalid-yaml.
        ProblemAssert.Single(ArticleText.With("extra: *nope").Parse(),
            ProblemCodes.UnknownAnchor, 6, 8, "'*nope'", "no anchor");
    }

    [Fact]
    public void Parse_AliasToItsOwnEnclosingNode_ReportsUnknownAnchor()
    {
        ProblemAssert.Single(ArticleText.With("loop: &loop [1, *loop]").Parse(),
            ProblemCodes.UnknownAnchor, 6, 17, "'*loop'", "defined before it");
    }

    [Fact]
    public void Parse_AliasUsedBeforeItsAnchor_ReportsUnknownAnchor()
    {
        ProblemAssert.Single(ArticleText.With("first: *later", "second: &later x").Parse(),
            ProblemCodes.UnknownAnchor, 6, 8, "'*later'");
    }

    [Fact]
    public void Parse_MergeKeyReferringToScalar_ReportsNotAMapping()
    {
        ProblemAssert.Single(ArticleText.With("extra: {<<: 5}").Parse(),
            ProblemCodes.NotAMapping, 6, 13, "merge key '<<'", "a plain value");
    }

    [Fact]
    public void Parse_ListUsedAsKey_ReportsNotAMapping()
    {
        ProblemAssert.Single(ArticleText.With("? [a, b]", ": value").Parse(),
            ProblemCodes.NotAMapping, 6, 3, "key must be plain text", "a list");
    }

    [Fact]
    public void Parse_InvalidUtf8InTitle_ReportsNotUtf8AtLineAndColumn()
    {
        // Line 3 is "title: Caf" then the invalid pair 0xC3 0x28: column 11, byte offset 4 + 15 + 10 = 29.
        var bytes = Concat("---\ncategory: news\ntitle: Caf"u8.ToArray(), [0xC3, 0x28], "\n---\n"u8.ToArray());

        ProblemAssert.Single(ArticleText.ParseBytes(bytes), ProblemCodes.NotUtf8, 3, 11, "not valid UTF-8", "0xC3", "offset 29");
    }

    [Fact]
    public void Parse_InvalidUtf8AfterMultiByteCharacters_CountsColumnsInCharacters()
    {
        // "title: Über " is 12 characters but 13 bytes: the bad byte is in column 13.
        var bytes = Concat("---\ncategory: news\ntitle: Über "u8.ToArray(), [0xFF], "\n---\n"u8.ToArray());

        ProblemAssert.Single(ArticleText.ParseBytes(bytes), ProblemCodes.NotUtf8, 3, 13, "0xFF", "offset 32");
    }

    [Fact]
    public void Parse_InvalidUtf8InBody_ReportsNotUtf8()
    {
        var bytes = Concat(ArticleText.With().WithBody("abc").Bytes, [0xC0, 0xAF], "\n"u8.ToArray());

        ProblemAssert.Single(ArticleText.ParseBytes(bytes), ProblemCodes.NotUtf8, 7, 4, "0xC0");
    }

    [Fact]
    public void Parse_TruncatedMultiByteCharacterAtEndOfFile_ReportsNotUtf8()
    {
        var bytes = Concat(ArticleText.With().WithBody("Price: 5").Bytes, [0xE2, 0x82]);

        ProblemAssert.Single(ArticleText.ParseBytes(bytes), ProblemCodes.NotUtf8, 7, 9, "0xE2");
    }

    [Fact]
    public void Parse_InvalidUtf8AfterByteOrderMark_ReportsOffsetInTheFile()
    {
        // The offset is where a hex editor shows the byte: the 3-byte BOM counts. 3 + 4 + 15 + 10 = 32.
        var bytes = Concat([0xEF, 0xBB, 0xBF], "---\ncategory: news\ntitle: Caf"u8.ToArray(), [0xC3, 0x28], "\n---\n"u8.ToArray());

        ProblemAssert.Single(ArticleText.ParseBytes(bytes), ProblemCodes.NotUtf8, 3, 11, "0xC3", "offset 32");
    }

    [Fact]
    public void Parse_Utf16LittleEndianFileWithByteOrderMark_ReportsNotUtf8MentioningUtf16()
    {
        var bytes = Concat(Encoding.Unicode.GetPreamble(), Encoding.Unicode.GetBytes(ArticleText.With().Text));

        ProblemAssert.Single(ArticleText.ParseBytes(bytes), ProblemCodes.NotUtf8, 1, 1, "UTF-16", "save it as UTF-8");
    }

    [Fact]
    public void Parse_Utf16BigEndianFileWithByteOrderMark_ReportsNotUtf8MentioningUtf16()
    {
        var bytes = Concat(Encoding.BigEndianUnicode.GetPreamble(), Encoding.BigEndianUnicode.GetBytes(ArticleText.With().Text));

        ProblemAssert.Single(ArticleText.ParseBytes(bytes), ProblemCodes.NotUtf8, 1, 1, "UTF-16");
    }

    [Fact]
    public void ProblemCodes_AreDistinctAndNonEmpty()
    {
        var codes = typeof(ProblemCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();

        Assert.True(codes.Count >= 15, $"expected every code, found {codes.Count}");
        Assert.All(codes, c => Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", c));
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void ParseProblem_ToString_IsFileLineColumnMessage()
    {
        var problem = new ParseProblem("2022/11/a.md", 12, 7, ProblemCodes.WrongType, "'quality' must be a whole number, got 'high'");

        Assert.Equal("2022/11/a.md:12:7: 'quality' must be a whole number, got 'high'", problem.ToString());
    }

    [Fact]
    public void ParseProblem_ToStringOfAReportedProblem_PointsAtTheValue()
    {
        var problem = Assert.Single(ArticleText.With("quality: high").Parse().Problems);

        Assert.Equal($"{ArticleText.FileName}:6:10: {problem.Message}", problem.ToString());
        Assert.StartsWith("'quality'", problem.Message, StringComparison.Ordinal);
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
