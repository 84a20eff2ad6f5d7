namespace ContentPipeline.Stories;

/// <summary>What the API says beside an article about its story.</summary>
/// <param name="Id">The story (<c>/api/stories/{id}</c>).</param>
/// <param name="Sources">How many distinct sources cover it.</param>
public sealed record StoryLink(string Id, int Sources);
