namespace ContentPipeline.Stories;

/// <summary>The story an article belongs to, and how many sources cover it (what the API says beside each article).</summary>
/// <param name="StoryId">The story.</param>
/// <param name="Sources">Its distinct sources.</param>
/// <param name="Pinned">Placed by an editor: ingest keeps it there, even across a deletion and a new upload of its file.</param>
public sealed record StoryMembership(string StoryId, int Sources, bool Pinned = false);
