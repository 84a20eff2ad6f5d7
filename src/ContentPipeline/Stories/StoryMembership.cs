namespace ContentPipeline.Stories;

/// <summary>The story an article belongs to, and how many sources cover it (what the API says beside each article).</summary>
/// <param name="StoryId">The story.</param>
/// <param name="Sources">Its distinct sources, every article counted (what editors see).</param>
/// <param name="ShownSources">Its distinct sources among the articles shown to readers when it last changed (what readers see).</param>
/// <param name="Pinned">Placed by an editor: ingest keeps it there, even across a deletion and a new upload of its file.</param>
public sealed record StoryMembership(string StoryId, int Sources, int ShownSources, bool Pinned = false)
{
    /// <summary>The source count an audience sees (readers: at least one, the article they are reading).</summary>
    public StoryLink LinkFor(bool readers) => new(StoryId, readers ? Math.Max(1, ShownSources) : Sources);
}
