namespace ContentPipeline.LocalHost.Catalog;

/// <summary>Where the app's functions come from: the worker's metadata response, once the first worker has started.</summary>
public interface IFunctionCatalogSource
{
    Task<FunctionCatalog> Catalog { get; }
}
