namespace ContentPipeline.Storage;

/// <summary>
/// Other writers kept changing the article while a save tried to apply its change; nothing of this save was left
/// half done. A race, not an error: the caller should try again shortly (HTTP: 409 with Retry-After; a trigger: let
/// the host retry).
/// </summary>
public sealed class ArticleContentionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ArticleContentionException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ArticleContentionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ArticleContentionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
