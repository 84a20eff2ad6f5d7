namespace ContentPipeline.Storage;

/// <summary>
/// The article's body lives in blob storage and that blob is missing. The article entity itself is fine; a re-upload of
/// the file writes the body again. HTTP: 503, never cached.
/// </summary>
public sealed class ArticleBodyMissingException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ArticleBodyMissingException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ArticleBodyMissingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ArticleBodyMissingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
