using System.Diagnostics;
using System.Globalization;
using System.Net;
using ContentPipeline.Articles;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;
using Xunit.Abstractions;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>
/// The index's <c>catalog</c> partition throttled as Table Storage throttles a hot partition: writes to it above a rate
/// are answered 503 Server Busy (everything else passes). The re-driver runs every two seconds with a two-second
/// backoff, and the Azure SDK does not retry (a 503 reaches the app at once, as after its retries). Catalog rows are
/// debounced as in production: at most one write per list per second.
/// </summary>
public sealed class ThrottledCatalogFixture : TableProxyFixture
{
    /// <summary>Catalog writes the policy lets through per second.</summary>
    public const int CatalogWritesPerSecond = 3;

    private readonly Lock _gate = new();
    private long _second;
    private int _inSecond;
    private long _refused;
    private long _passed;
    private readonly Dictionary<(string List, long Second), int> _rowWrites = [];

    public long Refused => Interlocked.Read(ref _refused);

    public long Passed => Interlocked.Read(ref _passed);

    /// <summary>The most writes of one list's catalog row the service accepted within one second.</summary>
    public int MostRowWritesInASecond
    {
        get
        {
            lock (_gate)
            {
                return _rowWrites.Count == 0 ? 0 : _rowWrites.Values.Max();
            }
        }
    }

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        .. QuickRedrive,
        new("Values:Index__CatalogInterval", "00:00:01"), // the app's default, which the other fixtures turn off

        // Off here: 2,000 look-alike test files file their story keys into a few partitions, and Azurite reads a
        // partition's newest rows by reading all of it (Table Storage reads them from its index), which would make this
        // burst about the emulator's stories, not the throttled catalog. StoryEndToEndTests and StoryTests cover stories.
        new("Values:Stories__Enabled", "false"),
    ];

    protected override async Task OnAzuriteStartedAsync()
    {
        await base.OnAzuriteStartedAsync();
        TableProxy.Policy = request => Task.FromResult(Admit(request));
    }

    private HttpStatusCode? Admit(StorageRequest request)
    {
        if (!request.WritesTo(StorageNames.IndexTable) || !request.Touches(IndexPartitions.Catalog))
        {
            return null;
        }

        lock (_gate)
        {
            var second = Environment.TickCount64 / 1000;
            (_second, _inSecond) = second == _second ? (_second, _inSecond + 1) : (second, 1);
            if (_inSecond > CatalogWritesPerSecond)
            {
                _refused++;
                return HttpStatusCode.ServiceUnavailable;
            }

            _passed++;
            foreach (System.Text.RegularExpressions.Match row in System.Text.RegularExpressions.Regex.Matches(request.Path + request.Body, "RowKey='([^']*)'"))
            {
                var key = (row.Groups[1].Value, second);
                _rowWrites[key] = _rowWrites.GetValueOrDefault(key) + 1;
            }

            return null;
        }
    }

}

/// <summary>A burst that throttles the hot catalog partition loses nothing, and recovers by itself.</summary>
public sealed class ThrottledCatalogTests(ThrottledCatalogFixture host, ITestOutputHelper output) : IClassFixture<ThrottledCatalogFixture>
{
    [Fact]
    public async Task TwoThousandUploads_WithTheCatalogPartitionThrottled_AreAllStored_OnceEach()
    {
        const int files = 2_000;
        var articles = Enumerable.Range(0, files).Select(i => (Name: $"burst/{i:D4}.txt", File: new ArticleText { IsPublished = true, Category = $"burst-{i % 7}" })).ToList();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(articles, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (a, ct) =>
            await host.Incoming.GetBlobClient(a.Name).UploadAsync(BinaryData.FromBytes(a.File.ToBytes()), ct));
        var uploaded = clock.Elapsed;

        var waiting = articles.Select(a => ArticleId.FromUrl(new Uri(a.File.Url))).ToList();
        await Wait.UntilAsync(
            async () =>
            {
                var served = new System.Collections.Concurrent.ConcurrentBag<string>();
                await Parallel.ForEachAsync(waiting, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, _) =>
                {
                    if (await IsServedAsync(id))
                    {
                        served.Add(id);
                    }
                });
                waiting = waiting.Except(served).ToList();
                return waiting.Count == 0;
            },
            "every upload is served",
            TimeSpan.FromMinutes(8));
        var stored = clock.Elapsed;

        var poisoned = host.Logs.Lines.Count(l => l.Contains(" was poisoned;", StringComparison.Ordinal));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"files {files}, uploaded in {uploaded.TotalSeconds:F1} s, all stored after {stored.TotalSeconds:F1} s; catalog requests let through {host.Passed}, refused (503) {host.Refused}; most writes of one list's row in a second {host.MostRowWritesInASecond}; blobs poisoned {poisoned}; lost 0"));
        Assert.True(host.Refused > 0, "the burst went over the catalog partition's rate");

        // 2,000 articles in 7 categories: each list's row written about once a second, not once per article (that would
        // be dozens a second). A few in one calendar second can happen: a write queued behind a busy transaction, or
        // refused and tried again, lands late beside the next one on time; with the change log's entries in the same
        // group commit, two clean-clone runs saw three.
        Assert.InRange(host.MostRowWritesInASecond, 1, 3);

        // Each file's article once: every category list holds exactly its articles.
        foreach (var group in articles.GroupBy(a => a.File.Category))
        {
            Assert.Equal(group.Count(), await CountListedAsync(group.Key!));
        }
    }

    private async Task<bool> IsServedAsync(string id)
    {
        using var response = await host.Http.GetAsync($"/api/articles/{id}");
        return response.StatusCode == HttpStatusCode.OK;
    }

    private async Task<int> CountListedAsync(string category)
    {
        var count = 0;
        string? cursor = null;
        do
        {
            using var json = System.Text.Json.JsonDocument.Parse(await host.Http.GetStringAsync($"/api/articles?category={category}&limit=100" + (cursor is null ? string.Empty : $"&cursor={Uri.EscapeDataString(cursor)}")));
            count += json.RootElement.GetProperty("items").GetArrayLength();
            cursor = json.RootElement.TryGetProperty("cursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);
        return count;
    }
}
