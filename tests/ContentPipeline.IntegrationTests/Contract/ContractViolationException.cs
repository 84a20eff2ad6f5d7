namespace ContentPipeline.IntegrationTests.Contract;

/// <summary>A response that openapi.json does not describe: fails the test that received it.</summary>
public sealed class ContractViolationException(ApiExchange exchange, IReadOnlyList<string> violations)
    : Exception($"{exchange} breaks openapi.json:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", violations)}{Environment.NewLine}  body: {Shorten(exchange.Body)}")
{
    public IReadOnlyList<string> Violations { get; } = violations;

    private static string Shorten(string body) => body.Length <= 600 ? body : body[..600] + "…";
}
