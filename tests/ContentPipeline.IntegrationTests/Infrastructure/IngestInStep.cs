using ContentPipeline.Ingest;
using ContentPipeline.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPipeline.IntegrationTests.Infrastructure;

/// <summary>
/// An ingest that returns once the article's index entries are in step too. Uploads return once their article is
/// committed and write their entries behind (<see cref="Storage.IndexOptions.WriteBehindSaves"/>); a test that reads
/// lists right after an ingest waits for <see cref="IngestResult.Indexed"/>, as a condition.
/// </summary>
public static class IngestInStep
{
    public static async Task<IngestResult> IngestInStepAsync(this IngestService ingest, string blobName)
    {
        var result = await ingest.IngestAsync(blobName, default);
        await result.Indexed;
        return result;
    }

    /// <summary>
    /// Waits for every save an app instance is writing behind (ingests run by a trigger class, a sweep or a redrive,
    /// which do not hand their <see cref="IngestResult"/> to the test).
    /// </summary>
    public static Task IndexSettledAsync(this IServiceProvider services) =>
        services.GetRequiredService<ArticleIndex>().WriteBehind.DrainAsync();
}
