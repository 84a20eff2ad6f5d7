using AngleSharp.Html.Parser;
using ContentPipeline.Rendering;

namespace ContentPipeline.Tests.Rendering;

public class ArticleHtmlRendererTests
{
    private static readonly ArticleHtmlRenderer Renderer = new();

    /// <summary>Markdown written to get something executable into a page; none of it may survive.</summary>
    public static TheoryData<string> Hostile => new()
    {
        "<script>alert(1)</script>",
        "Text <img src=x onerror=alert(1)> more",
        "<svg onload=alert(1)><circle/></svg>",
        "<iframe src=\"https://evil.example/\"></iframe>",
        "<a href=\"javascript:alert(1)\">click</a>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](java\tscript:alert(1))",
        "[click](javascript&#58;alert(1))",
        "[click](  javascript:alert(1)  )",
        "[click][ref]\n\n[ref]: javascript:alert(1)",
        "<javascript:alert(1)>",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        "![img](javascript:alert(1))",
        "![img](https://example.org/a.png \"\\\" onerror=\\\"alert(1)\")",
        "[x](https://example.org/\" onclick=\"alert(1))",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<form action=\"https://evil.example/\"><input name=q></form>",
        "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<base href=\"javascript:alert(1)//\">",
        "``<script>``alert(1)",
        "<scr<script>ipt>alert(1)</scr</script>ipt>",
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void NothingExecutableSurvives(string markdown)
    {
        var html = Renderer.Render(markdown) ?? string.Empty;
        var document = new HtmlParser().ParseDocument($"<body>{html}</body>");

        Assert.Empty(document.QuerySelectorAll("script, iframe, object, embed, form, input, meta, base, svg, style"));
        foreach (var element in document.Body!.QuerySelectorAll("*"))
        {
            Assert.DoesNotContain(element.Attributes, a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(element.Attributes, a => a.Name is "style" or "srcdoc" or "formaction");
            foreach (var url in element.Attributes.Where(a => a.Name is "href" or "src" or "action" or "xlink:href").Select(a => a.Value))
            {
                Assert.True(Uri.TryCreate(url, UriKind.Absolute, out var absolute) ? absolute.Scheme is "http" or "https" or "mailto" : !url.Contains(':', StringComparison.Ordinal), $"{element.LocalName} links to '{url}'");
            }
        }
    }

    [Fact]
    public void CommonMark_RendersAsExpected_AndRawHtmlShowsAsText()
    {
        var html = Renderer.Render("## Heading\n\nSome *emphasis*, **strong**, `code` and a [link](https://example.org/a?b=1&c=2).\n\n- one\n- two\n\n<b>raw</b>")!;

        Assert.Contains("<h2>Heading</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<em>emphasis</em>", html, StringComparison.Ordinal);
        Assert.Contains("<strong>strong</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<code>code</code>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"nofollow noopener noreferrer\">link</a>", html, StringComparison.Ordinal);
        Assert.Contains("<li>two</li>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;raw&lt;/b&gt;", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  \n ")]
    public void NoBody_IsNoHtml(string? markdown) => Assert.Null(Renderer.Render(markdown));

    [Fact]
    public void PipeTablesAndStrikethrough_Render()
    {
        var html = Renderer.Render("| a | b |\n| - | - |\n| 1 | 2 |\n\n~~gone~~")!;

        Assert.Contains("<table>", html, StringComparison.Ordinal);
        Assert.Contains("<td>2</td>", html, StringComparison.Ordinal);
        Assert.Contains("<del>gone</del>", html, StringComparison.Ordinal);
    }
}
