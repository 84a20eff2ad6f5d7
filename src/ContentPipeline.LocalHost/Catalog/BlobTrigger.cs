namespace ContentPipeline.LocalHost.Catalog;

/// <summary>A blob trigger: <c>path</c> (<c>container/{pattern}</c>), <c>connection</c> (an app setting's name) and <c>source</c>.</summary>
public sealed record BlobTrigger(string Path, string Connection, string Source)
{
    /// <summary>The container of <see cref="Path"/>.</summary>
    public string Container => Path.Split('/', 2)[0];

    /// <summary>Whether events, not container scans, announce its blobs (the only source Flex Consumption has).</summary>
    public bool UsesEventGrid => string.Equals(Source, "EventGrid", StringComparison.OrdinalIgnoreCase);
}
