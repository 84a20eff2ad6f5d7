namespace ContentPipeline.Storage;

/// <summary>The result of a save: what happened and the article as stored afterwards (null when not found).</summary>
public sealed record SaveResult(SaveOutcome Outcome, StoredArticle? Article);
