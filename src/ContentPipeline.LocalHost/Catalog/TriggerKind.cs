namespace ContentPipeline.LocalHost.Catalog;

/// <summary>The trigger kinds this host serves.</summary>
public enum TriggerKind
{
    Http,
    Blob,
    Timer,
    EventGrid,
}
