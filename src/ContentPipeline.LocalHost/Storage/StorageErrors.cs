using Azure;

namespace ContentPipeline.LocalHost.Storage;

/// <summary>
/// Storage trouble the host's own loops ride out (try again later) instead of failing: a refused request, or the
/// Azure SDK giving up its retries on a storage account it cannot reach (an <see cref="AggregateException"/> of
/// <see cref="RequestFailedException"/>s).
/// </summary>
public static class StorageErrors
{
    public static bool IsStorageFailure(Exception exception) => exception switch
    {
        RequestFailedException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsStorageFailure),
        _ => false,
    };
}
