using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ContentPipeline.Functions;

/// <summary>Sends the worker's logs, traces and dependencies to Application Insights.</summary>
public static class TelemetryExtensions
{
    private const string ApplicationInsightsLoggerProvider = "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider";

    /// <summary>The setting that says where Application Insights is (set by infra/ in Azure).</summary>
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// The worker's Application Insights SDK. In Azure it reads APPLICATIONINSIGHTS_CONNECTION_STRING and, for Microsoft
    /// Entra authentication, APPLICATIONINSIGHTS_AUTHENTICATION_STRING (ClientId=...;Authorization=AAD), both set by
    /// infra/. Without a connection string (locally) it is not added at all: it would still track every storage request
    /// and invocation, at a cost in CPU, only to send nothing.
    /// </summary>
    public static FunctionsApplicationBuilder AddApplicationInsights(this FunctionsApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Configuration[ConnectionStringSetting] is not { Length: > 0 })
        {
            return builder;
        }

        builder.Services.AddApplicationInsightsTelemetryWorkerService().ConfigureFunctionsApplicationInsights();

        // The SDK adds a rule that keeps only warnings and above; host.json and the usual Logging settings decide instead.
        builder.Services.Configure<LoggerFilterOptions>(options =>
        {
            var rule = options.Rules.FirstOrDefault(r => r.ProviderName == ApplicationInsightsLoggerProvider);
            if (rule is not null)
            {
                options.Rules.Remove(rule);
            }
        });
        return builder;
    }
}
