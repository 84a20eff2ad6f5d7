using ContentPipeline.Stories;

namespace ContentPipeline.Functions.Stories;

/// <summary>The JSON of one story (its tag is the response's ETag, for editors only).</summary>
internal static class StoryRepresentation
{
    public static object Of(StoryDetail story) => new { id = story.Id, sources = story.Sources, lead = story.Lead, articles = story.Articles };
}
