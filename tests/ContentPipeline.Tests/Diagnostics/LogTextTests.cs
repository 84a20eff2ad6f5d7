using ContentPipeline.Diagnostics;

namespace ContentPipeline.Tests.Diagnostics;

public sealed class LogTextTests
{
    [Fact]
    public void Escape_TurnsLineBreaksAndControlsIntoVisibleEscapes_SoANameCannotForgeALogLine()
    {
        var forged = "x.txt\n2026-11-29 info: Ingested admin.txt\r\u0000\u2028end";

        var escaped = LogText.Escape(forged);

        Assert.Equal("x.txt\\u000A2026-11-29 info: Ingested admin.txt\\u000D\\u0000\\u2028end", escaped);
        Assert.DoesNotContain('\n', escaped);
    }

    [Fact]
    public void Escape_KeepsOrdinaryTextAsItIs()
    {
        const string plain = "2022/11/Übersicht 😀.md";

        Assert.Same(plain, LogText.Escape(plain));
    }

    [Fact]
    public void Escape_CutsVeryLongValues_AndSaysHowLongTheyWere()
    {
        var escaped = LogText.Escape(new string('a', 5000));

        Assert.StartsWith(new string('a', LogText.MaxLength), escaped, StringComparison.Ordinal);
        Assert.EndsWith("(5,000 characters)", escaped, StringComparison.Ordinal);
        Assert.True(escaped.Length < LogText.MaxLength + 40);
    }

    [Fact]
    public void Escape_OfNull_IsEmpty() => Assert.Equal(string.Empty, LogText.Escape(null));
}
