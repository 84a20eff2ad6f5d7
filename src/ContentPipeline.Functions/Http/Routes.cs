namespace ContentPipeline.Functions.Http;

/// <summary>Every HTTP route of the app (after the <c>api</c> prefix from host.json), in one place.</summary>
public static class Routes
{
    public const string Articles = "articles";
    public const string Article = "articles/{id}";
    public const string Publish = "articles/{id}/publish";
    public const string Unpublish = "articles/{id}/unpublish";
    public const string Restore = "articles/{id}/restore";
    public const string EditorArticles = "editor/articles";
    public const string EditorArticle = "editor/articles/{id}";
    public const string OpenApi = "openapi.json";
    public const string Sync = "sync";
    public const string Stories = "stories";
    public const string Story = "stories/{id}";
    public const string EditorStories = "editor/stories";
    public const string EditorStory = "editor/stories/{id}";
    public const string SplitStory = "editor/stories/{id}/split";
    public const string MergeStory = "editor/stories/{id}/merge";
    public const string RepairIndex = "maintenance/repair-index";
    public const string IngestFailures = "editor/ingest-failures";
    public const string IngestFailure = "editor/ingest-failures/detail";
    public const string RejectedFiles = "editor/rejected-files";
    public const string RejectedFile = "editor/rejected-files/detail";
    public const string Desk = "desk/{file}";
    public const string Webhooks = "editor/webhooks";
    public const string Webhook = "editor/webhooks/{id}";
    public const string WebhookDeliveries = "editor/webhooks/{id}/deliveries";
}
