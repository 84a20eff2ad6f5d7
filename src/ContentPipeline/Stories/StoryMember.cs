namespace ContentPipeline.Stories;

/// <summary>One article of a story, as the story row keeps it: enough to choose the lead and count the sources.</summary>
/// <param name="ArticleId">The article.</param>
/// <param name="Provider">Its provider (domain, else name, at most <see cref="MaxProviderLength"/> characters); null when the file names none.</param>
/// <param name="Quality">Its editorial quality score.</param>
/// <param name="Published">Its publication time.</param>
/// <param name="Pinned">Placed by an editor (split or merge): ingest never moves it.</param>
/// <param name="Shown">Shown to readers when the story last changed (published, in its window, not taken down): what readers' source counts count.</param>
public sealed record StoryMember(string ArticleId, string? Provider, int? Quality, DateTimeOffset Published, bool Pinned = false, bool Shown = true)
{
    /// <summary>The longest provider kept (a story row holds up to 98 members within Table Storage's 64 KiB per property).</summary>
    public const int MaxProviderLength = 100;
}
