using ContentPipeline.LocalHost.Catalog;

namespace ContentPipeline.LocalHost.Worker;

/// <summary>A started worker whose functions are loaded: its stream, its function catalog and its HTTP address.</summary>
/// <param name="Connection">The open EventStream.</param>
/// <param name="Catalog">The functions from its metadata response.</param>
/// <param name="HttpUri">Where it serves HTTP-triggered functions (ASP.NET Core integration's <c>HttpUri</c> capability).</param>
public sealed record ActiveWorker(WorkerConnection Connection, FunctionCatalog Catalog, Uri? HttpUri);
