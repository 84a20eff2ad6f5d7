namespace ContentPipeline.Storage;

/// <summary>Who set an article's current publish state.</summary>
public enum PublishStateSource
{
    /// <summary>The uploaded file's <c>published</c> field; a re-upload may change it.</summary>
    Upload,

    /// <summary>An editor's toggle; it survives re-uploads of the article.</summary>
    Editor,
}
