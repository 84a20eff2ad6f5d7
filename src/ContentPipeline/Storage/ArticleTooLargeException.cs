namespace ContentPipeline.Storage;

/// <summary>The article does not fit in one table entity even with its body moved to blob storage.</summary>
public sealed class ArticleTooLargeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ArticleTooLargeException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ArticleTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ArticleTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
