using ContentPipeline.LocalHost.Catalog;

namespace ContentPipeline.LocalHost.Worker;

/// <summary>How the host's triggers wait for the app's functions before they start serving them.</summary>
public static class CatalogWait
{
    /// <summary>
    /// The catalog, or null when the worker could not start at all: the supervisor has logged why and stops the host, so
    /// a trigger has nothing to serve and ends quietly instead of failing a second time.
    /// </summary>
    public static async Task<FunctionCatalog?> TryGetAsync(this IFunctionCatalogSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            return await source.Catalog.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WorkerUnavailableException or InvalidOperationException or NotSupportedException or TimeoutException or IOException)
        {
            return null;
        }
    }
}
