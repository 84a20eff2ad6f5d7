namespace ContentPipeline.Stories;

/// <summary>What an editor's split or merge did.</summary>
/// <param name="Outcome">Done, or why not.</param>
/// <param name="Story">The story as it is now (the one split out, or the one merged into) when done; the current one on a failed precondition.</param>
/// <param name="Detail">Why not, for the problem response.</param>
public sealed record StoryEditResult(StoryEditOutcome Outcome, Story? Story = null, string? Detail = null);
