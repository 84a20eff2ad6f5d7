using ContentPipeline.Ingest;

namespace ContentPipeline.Tests.Ingest;

/// <summary>Blob names as table keys: never a forbidden character, and in the same order as the names.</summary>
public sealed class SourceKeyTests
{
    private static readonly char[] ForbiddenInKeys = ['/', '\\', '#', '?'];

    [Theory]
    [InlineData("a/b#c?d")]
    [InlineData("2022/11/italy bans facial recognition.md")]
    [InlineData("..weird/./names/..")]
    [InlineData("\"quoted\" >arrows< !bang~")]
    [InlineData("Übersicht/日本語/😀.md")]
    public void For_AKeyHoldsNoForbiddenCharacter(string name)
    {
        var key = SourceKey.For("incoming", name);

        Assert.False(key.IsHashed);
        Assert.Equal("incoming", key.PartitionKey);
        Assert.Equal(-1, key.RowKey.IndexOfAny(ForbiddenInKeys));
        Assert.DoesNotContain(key.RowKey, char.IsControl);
    }

    [Fact]
    public void For_KeepsTheOrdinalOrderOfNames_SoAListingPageIsOneKeyRange()
    {
        var random = new Random(20261129);
        const string alphabet = "a-_./#?\"!>=~ 0Z";
        var names = Enumerable.Range(0, 5000)
            .Select(_ => new string(Enumerable.Range(0, random.Next(1, 8)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        var byName = names.Order(StringComparer.Ordinal).ToList();
        var byKey = names.OrderBy(n => SourceKey.For("incoming", n).RowKey, StringComparer.Ordinal).ToList();

        Assert.Equal(byName, byKey);
    }

    [Theory]
    [InlineData("line\nbreak.txt")]
    [InlineData("back\\slash.txt")]
    public void For_ANameNoKeyCanHold_IsHashedInAPartitionOfItsOwn(string name)
    {
        var key = SourceKey.For("incoming", name);

        Assert.True(key.IsHashed);
        Assert.Equal("incoming-hashed", key.PartitionKey);
        Assert.Equal(64, key.RowKey.Length);
    }

    [Fact]
    public void For_ANameTooLongOnceEncoded_IsHashed()
    {
        Assert.False(SourceKey.For("incoming", new string('a', SourceKey.MaxOrderedLength)).IsHashed);
        Assert.True(SourceKey.For("incoming", new string('/', 600)).IsHashed); // 1,200 characters once encoded
    }

    [Fact]
    public void RedriveDelays_AreTheBackoffInTurn_ThenTheInterval()
    {
        var options = new RedriveOptions { Backoff = "00:01:00, 00:05:00, 00:30:00", Interval = TimeSpan.FromHours(1) };

        Assert.Equal(
            [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(1)],
            Enumerable.Range(1, 5).Select(options.DelayAfter));
    }

    [Fact]
    public void RedriveOptions_ABackoffThatIsNotTimeSpans_FailsValidation()
    {
        var options = new RedriveOptions { Backoff = "00:01:00, soon, -00:00:05" };

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        var error = Assert.Single(errors);
        Assert.Contains("soon", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("-00:00:05", error.ErrorMessage, StringComparison.Ordinal);
    }
}
