using System.ComponentModel.DataAnnotations;

namespace ContentPipeline.LocalHost;

/// <summary>Settings of the local host (section <c>LocalHost</c>).</summary>
public sealed class LocalHostOptions
{
    public const string Section = "LocalHost";

    /// <summary>Names this host in blob receipts and timer status blobs, as the Azure host id does.</summary>
    [Required]
    [RegularExpression("^[a-z0-9-]{1,32}$")]
    public string HostId { get; set; } = "contentpipeline-local";

    /// <summary>How often each blob-triggered container is scanned for new and changed blobs.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan WatchInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Tries per blob before it is recorded as poison (Azure: 5).</summary>
    [Range(1, 20)]
    public int MaxBlobAttempts { get; set; } = 5;

    /// <summary>Pause before retry n is n times this.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Blob invocations running at once (host.json <c>extensions.blobs.maxDegreeOfParallelism</c> overrides it).</summary>
    [Range(1, 256)]
    public int BlobParallelism { get; set; } = 8;

    /// <summary>Where generated keys are kept between runs (none: keys live as long as the process).</summary>
    public string? KeysFile { get; set; }

    /// <summary>Keys; any left empty is generated (and saved to <see cref="KeysFile"/>).</summary>
    public HostKeys Keys { get; set; } = new();
}

/// <summary>The host's keys, as Azure has them: the master key, a function key, and the blob extension's system key.</summary>
public sealed class HostKeys
{
    public string Master { get; set; } = string.Empty;

    public string Function { get; set; } = string.Empty;

    /// <summary>The <c>blobs_extension</c> system key that Event Grid presents on the blob webhook.</summary>
    public string BlobsExtension { get; set; } = string.Empty;
}
