namespace ContentPipeline.LocalHost;

/// <summary>The host's keys, as Azure has them: the master key, a function key, and the blob extension's system key.</summary>
public sealed class HostKeys
{
    public string Master { get; set; } = string.Empty;

    public string Function { get; set; } = string.Empty;

    /// <summary>The <c>blobs_extension</c> system key that Event Grid presents on the blob webhook.</summary>
    public string BlobsExtension { get; set; } = string.Empty;
}
