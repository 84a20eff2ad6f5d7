using System.Text;
using ContentPipeline.Stories;

namespace ContentPipeline.Tests.Stories;

/// <summary>A key row's entries: what comes back is the fingerprint filed, and a row stays within Table Storage's limit.</summary>
public sealed class KeyEntryTests
{
    private static StoryFingerprint Fingerprint(string title, string excerpt, params string[] related) =>
        StoryFingerprint.Of(title, excerpt, $"https://example.com/{Guid.NewGuid():N}", related, new DateTimeOffset(2026, 12, 7, 13, 4, 5, 123, TimeSpan.FromHours(1)).AddTicks(4567));

    [Fact]
    public void AnEntry_ComesBackAsTheFingerprintFiled_AndEqualToAnEntryOfTheSameArticle()
    {
        var fingerprint = Fingerprint("Italy bans facial recognition in 2026", "Lawmakers in Rome voted 301 to 12.", "https://other.example/a");
        var entries = KeyEntry.Decode(KeyEntry.Encode([KeyEntry.Of("a1", fingerprint)]));

        var back = Assert.Single(entries).Fingerprint();
        Assert.Equal(fingerprint.HeadlineTerms.Order(), back.HeadlineTerms.Order());
        Assert.Equal(fingerprint.Names.Order(), back.Names.Order());
        Assert.Equal(fingerprint.Signature, back.Signature);
        Assert.Equal((fingerprint.Url, fingerprint.Published), (back.Url, back.Published));
        Assert.Equal(fingerprint.RelatedUrls.Order(), back.RelatedUrls.Order());
        Assert.Equal(1.0, fingerprint.TermSimilarity(back));
        Assert.Equal(KeyEntry.Of("a1", fingerprint), entries[0]); // filed as it is: nothing to write
    }

    [Fact]
    public void AHostileFingerprint_IsCapped_AndARowLeavesOutItsOldestEntries_ToStayWithinTheLimit()
    {
        var words = string.Join(' ', Enumerable.Range(0, 3_000).Select(static i => $"Name{i:D5}{new string('x', 80)}"));
        var huge = KeyEntry.Of("big", Fingerprint(words, words));
        Assert.Equal(KeyEntry.MaxTerms, huge.Names.Split(' ').Length);
        Assert.All(huge.Names.Split(' '), static n => Assert.True(n.Length <= KeyEntry.MaxTermLength));

        var row = KeyEntry.Encode([.. Enumerable.Range(0, 8).Select(i => huge with { Article = $"big{i}" })]);
        Assert.True(row.Length <= KeyEntry.MaxBytes, $"{row.Length} bytes");
        var kept = KeyEntry.Decode(row);
        Assert.InRange(kept.Count, 1, 7);
        Assert.Equal([.. Enumerable.Range(0, kept.Count).Select(static i => $"big{i}")], kept.Select(static e => e.Article)); // the newest first
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    public void ARowWithNothingReadable_HoldsNoEntries(string? text) =>
        Assert.Empty(KeyEntry.Decode(text is null ? null : Encoding.UTF8.GetBytes(text)));
}
