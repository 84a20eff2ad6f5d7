namespace ContentPipeline.LocalHost.Catalog;

/// <summary>Who may call an HTTP function, as its <c>authLevel</c> says.</summary>
public enum AuthorizationLevel
{
    Anonymous,
    Function,
    Admin,
    System,
}
