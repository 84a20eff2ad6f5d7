namespace ContentPipeline.LocalHost.Catalog;

/// <summary>An HTTP trigger: <c>authLevel</c>, <c>methods</c> (none: all) and <c>route</c> (none: the function's name).</summary>
public sealed record HttpTrigger(AuthorizationLevel AuthLevel, IReadOnlyList<string> Methods, string Route);
