using System.ComponentModel.DataAnnotations;

namespace ContentPipeline.Storage;

/// <summary>How the app writes its tables: the index's catalog and group commit (section <c>Index</c>).</summary>
public sealed class IndexOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Index";

    /// <summary>
    /// The least time between two writes of one list's catalog row by one instance (default one second). Every
    /// published article touches the rows of <c>published</c>, its category, provider and topics, all in the one
    /// <c>catalog</c> partition: under a burst that partition throttles first. A change within the interval of the
    /// last write joins one write at its end. Zero writes every change at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan CatalogInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many times group commit tries a transaction again, after 0.05, 0.1, 0.2, 0.4 and 0.8 s, while the table
    /// service answers it busy (429, 503) before it fails its callers (default all five). Like the Azure SDK's own
    /// retries, on top of which it comes: 0 fails at once.
    /// </summary>
    [Range(0, GroupCommitWriter.MaxBusyRetries)]
    public int BusyRetries { get; set; } = GroupCommitWriter.MaxBusyRetries;

    /// <summary>
    /// How many uploads at a time may return once their article is committed while their index entries are written
    /// behind them (default 64; see <see cref="IndexWriteBehind"/>). Their entries then share group-commit transactions
    /// across uploads; the article is readable by id at once and in its lists a moment later. Zero makes every upload
    /// wait for its entries. Editors' actions, transitions and repair always wait.
    /// </summary>
    [Range(0, 10_000)]
    public int WriteBehindSaves { get; set; } = 64;
}
