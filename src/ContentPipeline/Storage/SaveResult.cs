namespace ContentPipeline.Storage;

/// <summary>The result of a save: what happened and the article as stored afterwards (null when not found).</summary>
public sealed record SaveResult(SaveOutcome Outcome, StoredArticle? Article)
{
    /// <summary>
    /// Completes when the article's index entries are in step: at once, unless an upload's entries are being written
    /// behind it (<see cref="IndexOptions.WriteBehindSaves"/>). Faults when that write fails; the article's pending record
    /// then leaves it to the next save or to repair.
    /// </summary>
    public Task Indexed { get; init; } = Task.CompletedTask;
}
