namespace ContentPipeline.Webhooks;

/// <summary>A registration that cannot be taken; <see cref="Field"/> names what is wrong.</summary>
public sealed class WebhookRegistrationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WebhookRegistrationException()
        : base("The registration cannot be taken.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public WebhookRegistrationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public WebhookRegistrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception about one field of the registration.</summary>
    public WebhookRegistrationException(string field, string message, bool conflict = false)
        : base(message) => (Field, IsConflict) = (field, conflict);

    /// <summary>The registration's field at fault (null when none in particular).</summary>
    public string? Field { get; }

    /// <summary>Whether the registration is fine but cannot be taken now (the endpoint limit is reached).</summary>
    public bool IsConflict { get; }
}
