using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using ContentPipeline.Functions;
using ContentPipeline.Hosting;
using ContentPipeline.LocalHost.Admin;
using ContentPipeline.LocalHost.Blobs;
using ContentPipeline.LocalHost.Catalog;
using ContentPipeline.LocalHost.Http;
using ContentPipeline.LocalHost.Timers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ContentPipeline.LocalHost;

/// <summary>
/// Builds the local Functions host: the app's services through the same <c>AddContentPipeline</c> that the app's
/// Program.cs calls, its function classes found from their attributes, and the host's parts: HTTP routes with keys,
/// the Event Grid blob webhook with a container watcher, blob receipts, retries and poison, timers, the admin API.
/// </summary>
public static class LocalFunctionsHost
{
    public const string DefaultUrl = "http://127.0.0.1:7071";

    /// <param name="args">Command-line arguments (<c>--urls</c>, <c>Setting=value</c>).</param>
    /// <param name="configure">Adds configuration after the defaults (tests: settings of their own).</param>
    /// <param name="configureLogging">Adds logging providers or filters (tests: a provider that captures every line).</param>
    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null, Action<ILoggingBuilder>? configureLogging = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

        // Like 'func start': local.settings.json Values are the lowest-priority settings; environment and arguments win.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = LocalSettings(AppContext.BaseDirectory) });
        configure?.Invoke(builder.Configuration);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // The Azure SDK logs every request, and every expected 404/409, below Error: keep the console for the pipeline.
        builder.Logging.AddFilter("Azure", Microsoft.Extensions.Logging.LogLevel.Error);
        builder.AddHostHttp();
        configureLogging?.Invoke(builder.Logging);
        var hostJson = HostJson.Load(AppContext.BaseDirectory);
        builder.Services.AddContentPipeline(builder.Configuration);
        builder.Services.AddOptions<LocalHostOptions>().BindConfiguration(LocalHostOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(hostJson);
        builder.Services.AddSingleton(new FunctionCatalog(typeof(IngestArticle).Assembly));
        builder.Services.AddSingleton<FunctionInvoker>();
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LocalHostOptions>>().Value;
            return new KeyAuthorization(KeyAuthorization.Resolve(options.Keys, options.KeysFile));
        });
        builder.Services.AddSingleton(sp => CreateQueueServiceClient(builder.Configuration.GetSection(StorageConnection.Name)));
        builder.Services.AddSingleton(sp => new BlobReceipts(sp.GetRequiredService<BlobServiceClient>(), sp.GetRequiredService<IOptions<LocalHostOptions>>().Value.HostId));
        builder.Services.AddSingleton<BlobTriggerDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BlobTriggerDispatcher>());
        builder.Services.AddSingleton<BlobWatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BlobWatcher>());
        builder.Services.AddHostedService<FeedsPublicAccess>();
        builder.Services.AddSingleton<TimerScheduler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TimerScheduler>());

        var app = builder.Build();
        app.UseHostHttp();
        FunctionEndpoints.Map(app, app.Services.GetRequiredService<FunctionCatalog>(), hostJson);
        EventGridWebhook.Map(app);
        AdminEndpoints.Map(app);
        return app;
    }

    /// <summary>The Values of local.settings.json, with <c>__</c> read as the section separator.</summary>
    private static Dictionary<string, string?> LocalSettings(string directory)
    {
        var path = Path.Combine(directory, "local.settings.json");
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path))
        {
            return values;
        }

        using var json = JsonDocument.Parse(File.ReadAllText(path));
        if (json.RootElement.TryGetProperty("Values", out var settings))
        {
            foreach (var setting in settings.EnumerateObject())
            {
                values[setting.Name.Replace("__", ":", StringComparison.Ordinal)] = setting.Value.ToString();
            }
        }

        return values;
    }

    private static QueueServiceClient CreateQueueServiceClient(IConfigurationSection connection) =>
        string.IsNullOrWhiteSpace(connection.Value)
            ? new QueueServiceClient(new Uri(connection["queueServiceUri"] ?? $"https://{connection["accountName"]}.queue.core.windows.net"), StorageConnection.CreateCredential(connection))
            : new QueueServiceClient(connection.Value);
}
