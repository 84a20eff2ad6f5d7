namespace ContentPipeline.LocalHost;

/// <summary>The host's keys, as Azure has them: the master key, a function key, and the system keys of the blob and Event Grid extensions.</summary>
public sealed class HostKeys
{
    public string Master { get; set; } = string.Empty;

    public string Function { get; set; } = string.Empty;

    /// <summary>The <c>blobs_extension</c> system key that Event Grid presents on the blob webhook.</summary>
    public string BlobsExtension { get; set; } = string.Empty;

    /// <summary>The <c>eventgrid_extension</c> system key that Event Grid presents on the Event Grid trigger's webhook.</summary>
    public string EventGridExtension { get; set; } = string.Empty;
}
