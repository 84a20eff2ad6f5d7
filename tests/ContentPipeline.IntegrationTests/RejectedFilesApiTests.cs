using ContentPipeline.Functions.Ingest;
using ContentPipeline.Ingest;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPipeline.IntegrationTests;

/// <summary>The editors' routes for rejected files: every problem with its place, paged, and one file by name.</summary>
public sealed class RejectedFilesApiTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private ApiCalls Api => new(fixture.Services);

    [Fact]
    public async Task ARejectedFile_IsListedAndLookedUp_WithEveryProblemsFileLineColumnCodeAndMessage()
    {
        var name = $"broken/{Guid.NewGuid():N}.md";
        await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromString("---\ntitle: T\ncategory: news\nquality: high\n---\n"));
        Assert.Equal(IngestOutcome.Rejected, (await fixture.Services.GetRequiredService<IngestService>().IngestInStepAsync(name)).Outcome);

        var listed = await FindAsync(name);
        var detail = await CallAsync("/api/editor/rejected-files/detail", $"name={Uri.EscapeDataString(name)}", (f, r) => f.GetRejectedFile(r, default));

        Assert.Equal(200, detail.Status);
        Assert.Equal(listed, detail.Json.ToString());
        var problems = detail.Json.GetProperty("problems").EnumerateArray().ToList();
        var quality = problems.Single(p => p.GetProperty("code").GetString() == "wrong-type");
        Assert.Equal(name, quality.GetProperty("file").GetString());
        Assert.Equal(4, quality.GetProperty("line").GetInt32());
        Assert.Equal(10, quality.GetProperty("column").GetInt32());
        Assert.Contains("'quality' must be a whole number", quality.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains(problems, p => p.GetProperty("code").GetString() == "missing-field");
    }

    [Fact]
    public async Task ALookup_OfAFileNeverRejected_Is404_WithoutAName_Is400NamingIt_AndABadCursor_Is400NamingIt()
    {
        var unknown = await CallAsync("/api/editor/rejected-files/detail", "name=never-rejected.md", (f, r) => f.GetRejectedFile(r, default));
        var nameless = await CallAsync("/api/editor/rejected-files/detail", null, (f, r) => f.GetRejectedFile(r, default));
        var badCursor = await CallAsync("/api/editor/rejected-files", "cursor=not-a-cursor", (f, r) => f.ListRejectedFiles(r, default));

        Assert.Equal(404, unknown.Status);
        Assert.Equal(400, nameless.Status);
        Assert.Equal("name", nameless.Json.GetProperty("parameter").GetString());
        Assert.Equal(400, badCursor.Status);
        Assert.Equal("cursor", badCursor.Json.GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task AFileLeftInPlaceForAnUnsafeName_IsListedAndLookedUpToo()
    {
        var stored = $"sub/../{Guid.NewGuid():N}.md";
        await RawBlobUpload.PutAsync(fixture.Incoming, Uri.EscapeDataString(stored), "---\n"u8.ToArray());
        await fixture.Services.GetRequiredService<IngestService>().IngestAsync(StorageNames.IncomingContainer, stored, default);

        var listed = await FindAsync(stored);
        var detail = await CallAsync("/api/editor/rejected-files/detail", $"name={Uri.EscapeDataString(stored)}", (f, r) => f.GetRejectedFile(r, default));

        Assert.Equal(listed, detail.Json.ToString());
        Assert.Equal("unsafe-name", detail.Json.GetProperty("problems")[0].GetProperty("code").GetString());
        Assert.False(detail.Json.TryGetProperty("etag", out _)); // never read
    }

    [Fact]
    public async Task ALookupByName_NeverReadsOutsideTheReasons_WhateverTheNameSays()
    {
        // A blob in another container shaped like a reason: '..' in a name would reach it through System.Uri.
        var victim = fixture.Blobs.GetBlobContainerClient(StorageNames.FeedsContainer).GetBlobClient("victim.json");
        await victim.UploadAsync(BinaryData.FromString("""{"blobName":"victim","rejectedAt":"2026-11-26T08:00:00Z","problems":[]}"""), overwrite: true);

        var reply = await CallAsync("/api/editor/rejected-files/detail", $"name={Uri.EscapeDataString("../../feeds/victim")}", (f, r) => f.GetRejectedFile(r, default));

        Assert.Equal(404, reply.Status);
    }

    [Fact]
    public async Task TheList_PagesThroughEveryRejectedFile()
    {
        var names = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var name = $"paged-{Guid.NewGuid():N}.md";
            names.Add(name);
            await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromString("no front matter\n"));
            await fixture.Services.GetRequiredService<IngestService>().IngestInStepAsync(name);
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await CallAsync("/api/editor/rejected-files", cursor is null ? "limit=2" : $"limit=2&cursor={Uri.EscapeDataString(cursor)}", (f, r) => f.ListRejectedFiles(r, default));
            Assert.True(page.Json.GetProperty("items").GetArrayLength() <= 2);
            seen.AddRange(page.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("blobName").GetString()!));
            cursor = page.Json.TryGetProperty("cursor", out var next) ? next.GetString() : null;
            pages++;
        }
        while (cursor is not null && pages < 100);

        Assert.Null(cursor);
        Assert.Subset(seen.ToHashSet(), names.ToHashSet());
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    private async Task<string> FindAsync(string name)
    {
        string? cursor = null;
        do
        {
            var page = await CallAsync("/api/editor/rejected-files", cursor is null ? "limit=100" : $"limit=100&cursor={Uri.EscapeDataString(cursor)}", (f, r) => f.ListRejectedFiles(r, default));
            if (page.Json.GetProperty("items").EnumerateArray().FirstOrDefault(i => i.GetProperty("blobName").GetString() == name) is { ValueKind: System.Text.Json.JsonValueKind.Object } found)
            {
                return found.ToString();
            }

            cursor = page.Json.TryGetProperty("cursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);

        throw new Xunit.Sdk.XunitException($"{name} is not listed.");
    }

    private Task<HttpReply> CallAsync(string path, string? query, Func<RejectedFiles, HttpRequest, Task<IResult>> invoke) =>
        Api.CallAsync(HttpCall.Create(fixture.Services, "GET", path, query), invoke);
}
