namespace ContentPipeline.Webhooks;

/// <summary>An endpoint's host resolved only to addresses deliveries may not reach.</summary>
public sealed class WebhookAddressException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WebhookAddressException()
        : base("The endpoint resolves to no public address.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public WebhookAddressException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public WebhookAddressException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
