namespace ContentPipeline.Storage;

/// <summary>A cursor that is malformed or belongs to another list.</summary>
public sealed class InvalidCursorException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidCursorException()
        : base("The cursor is not one this list returned.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public InvalidCursorException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public InvalidCursorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
