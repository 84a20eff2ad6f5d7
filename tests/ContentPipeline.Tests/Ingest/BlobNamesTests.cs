using Azure.Storage.Blobs;
using ContentPipeline.Ingest;
using ContentPipeline.Parsing;

namespace ContentPipeline.Tests.Ingest;

/// <summary>Names delivered from outside never build a client that addresses another blob or another container.</summary>
public sealed class BlobNamesTests
{
    // No request is sent: clients are only built, and a connection string is all they need.
    private static readonly BlobContainerClient Incoming = new BlobServiceClient("UseDevelopmentStorage=true").GetBlobContainerClient("incoming");

    [Theory]
    [InlineData("../feeds/all.json", "'..' path segment")]
    [InlineData("../../devstoreaccount1/feeds/x", "'..' path segment")]
    [InlineData("a/../b.txt", "'..' path segment")]
    [InlineData("a/..", "'..' path segment")]
    [InlineData("..", "'..' path segment")]
    [InlineData("./a.txt", "'.' path segment")]
    [InlineData("a/./b.txt", "'.' path segment")]
    [InlineData(".", "'.' path segment")]
    [InlineData("a\\..\\b.txt", "backslash")]
    [InlineData("..\\feeds\\x", "backslash")]
    [InlineData("line\nbreak.txt", "U+000A")]
    [InlineData("tab\there.txt", "U+0009")]
    [InlineData("nul\0.txt", "U+0000")]
    [InlineData("c1\u0085.txt", "U+0085")]
    [InlineData("sep\u2028.txt", "U+2028")]
    [InlineData("folder/", "ends with")]
    [InlineData("file.", "ends with")]
    [InlineData("", "empty")]
    public void TryGetClient_RefusesNamesThatCannotAddressTheirBlob(string name, string reasonWords)
    {
        var ok = BlobNames.TryGetClient(Incoming, name, out var client, out var problem);

        Assert.False(ok);
        Assert.Null(client);
        Assert.NotNull(problem);
        Assert.Equal(ProblemCodes.UnsafeName, problem.Code);
        Assert.Equal(name, problem.File);
        Assert.Contains(reasonWords, problem.Message, StringComparison.Ordinal);
        Assert.Contains("left where it is", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryGetClient_RefusesANameTooLongForTheRejectedArea()
    {
        var name = new string('a', BlobNames.MaxLength + 1);

        Assert.False(BlobNames.TryGetClient(Incoming, name, out _, out var problem));
        Assert.Contains("1,001 characters", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryGetClient_RefusesALoneSurrogate()
    {
        Assert.False(BlobNames.TryGetClient(Incoming, "bad\uD800.txt", out _, out var problem));
        Assert.Contains("surrogate", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("000_043b1fd4fbc56517.txt")]
    [InlineData("2022/11/italy bans facial recognition.md")]
    [InlineData("a/.hidden/b.txt")]
    [InlineData("a/.../b.txt")]
    [InlineData("..name.txt")]
    [InlineData("a?b#c%2F%2E%2E.txt")]
    [InlineData("Übersicht/日本語/😀.md")]
    [InlineData("a//b.txt")]
    public void TryGetClient_AcceptsOrdinaryNames_AndTheClientAddressesExactlyThem(string name)
    {
        Assert.True(BlobNames.TryGetClient(Incoming, name, out var client, out var problem), problem?.Message);

        Assert.Equal("incoming", client.BlobContainerName);
        Assert.Equal(name, client.Name);
    }

    [Fact]
    public void TryGetClient_AcceptsTheLongestAllowedName()
    {
        var name = new string('a', BlobNames.MaxLength);

        Assert.True(BlobNames.TryGetClient(Incoming, name, out var client, out _));
        Assert.Equal(name, client.Name);
    }

    [Fact]
    public void WrongContainer_NamesBothContainers()
    {
        var problem = BlobNames.WrongContainer("x.json", "feeds", "incoming");

        Assert.Equal(ProblemCodes.UnsafeName, problem.Code);
        Assert.Contains("'feeds'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("'incoming'", problem.Message, StringComparison.Ordinal);
    }
}
