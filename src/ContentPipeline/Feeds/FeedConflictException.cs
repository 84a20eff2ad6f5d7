namespace ContentPipeline.Feeds;

/// <summary>
/// Other feed runs kept writing <c>index.json</c> while this one tried to merge its changes in. A race, not an error:
/// the feeds themselves are written, and the next run lists them.
/// </summary>
public sealed class FeedConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FeedConflictException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public FeedConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public FeedConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
