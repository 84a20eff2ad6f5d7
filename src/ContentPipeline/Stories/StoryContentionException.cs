namespace ContentPipeline.Stories;

/// <summary>A story row kept changing under every attempt to update it (the trigger's retry tries again later).</summary>
public sealed class StoryContentionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoryContentionException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public StoryContentionException(string storyId)
        : base($"Story {storyId} changed under every attempt to update it.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public StoryContentionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
