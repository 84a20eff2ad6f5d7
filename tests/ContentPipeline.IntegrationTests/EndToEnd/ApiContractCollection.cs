namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>The tests that hold the running API to openapi.json share one host.</summary>
[CollectionDefinition(Name)]
public sealed class ApiContractCollection : ICollectionFixture<LocalHostFixture>
{
    public const string Name = "API contract";
}
