using ContentPipeline.Diagnostics;
using ContentPipeline.LocalHost.Admin;
using ContentPipeline.LocalHost.Blobs;
using ContentPipeline.LocalHost.Catalog;
using ContentPipeline.LocalHost.Diagnostics;
using ContentPipeline.LocalHost.Events;
using ContentPipeline.LocalHost.Http;
using ContentPipeline.LocalHost.Singleton;
using ContentPipeline.LocalHost.Storage;
using ContentPipeline.LocalHost.Timers;
using ContentPipeline.LocalHost.Worker;
using Microsoft.Extensions.Options;

namespace ContentPipeline.LocalHost;

/// <summary>
/// Builds the local Functions host: it starts the published app as a worker process and drives it over the
/// host-worker gRPC protocol, and serves the host's doors around it: HTTP routes with keys (forwarded to the worker),
/// the Event Grid blob webhook with its queue and an Event Grid stand-in, timers, and the admin API.
/// </summary>
public static class LocalFunctionsHost
{
    public const string DefaultUrl = "http://127.0.0.1:7071";

    /// <param name="args">Command-line arguments (<c>--urls</c>, <c>--LocalHost:AppPath=...</c>, <c>--Values:Name=value</c>).</param>
    /// <param name="configure">Adds configuration after the defaults (tests: settings of their own).</param>
    /// <param name="configureLogging">Adds logging providers or filters (tests: a provider that captures every line).</param>
    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null, Action<ILoggingBuilder>? configureLogging = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder.Configuration);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // The Azure SDK logs every request, and every expected 404/409, below Error; gRPC and the forwarder log each call.
        builder.Logging.AddFilter("Azure", LogLevel.Error);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);

        // The worker's logs arrive under its own categories: its web server's routine lines would drown the pipeline's.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        builder.AddHostHttp();
        configureLogging?.Invoke(builder.Logging);

        var appPath = Path.GetFullPath(builder.Configuration[$"{LocalHostOptions.Section}:{nameof(LocalHostOptions.AppPath)}"]
            ?? throw new InvalidOperationException("Say which published Functions app to run: --LocalHost:AppPath=<folder> (the output of 'dotnet publish src/ContentPipeline.Functions')."));
        var settingsFile = builder.Configuration[$"{LocalHostOptions.Section}:{nameof(LocalHostOptions.SettingsFile)}"] is { Length: > 0 } file ? Path.GetFullPath(file) : null;
        var hostJson = HostJson.Load(appPath);
        if (builder.Configuration.GetValue<TimeSpan?>($"{LocalHostOptions.Section}:{nameof(LocalHostOptions.FunctionTimeout)}") is { } timeout)
        {
            hostJson = hostJson with { FunctionTimeout = timeout };
        }

        builder.Services.AddOptions<LocalHostOptions>().BindConfiguration(LocalHostOptions.Section)
            .PostConfigure(options => options.AppPath = appPath)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(hostJson);
        builder.Services.AddSingleton(AppSettings.Load(settingsFile, builder.Configuration));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<StorageAccounts>();
        builder.Services.AddSingleton<SingletonListenerLock>();
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LocalHostOptions>>().Value;
            return new KeyAuthorization(KeyAuthorization.Resolve(options.Keys, options.KeysFile));
        });

        // The worker: its process, its gRPC stream, and invocations.
        builder.Services.AddSingleton<WorkerConnections>();
        builder.Services.AddSingleton<WorkerSupervisor>();
        builder.Services.AddSingleton<IFunctionCatalogSource>(sp => sp.GetRequiredService<WorkerSupervisor>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WorkerSupervisor>());
        builder.Services.AddSingleton<WorkerInvoker>();
        builder.Services.AddSingleton<IFunctionInvoker>(sp => sp.GetRequiredService<WorkerInvoker>());

        // The doors: HTTP, Event Grid blob triggers, timers.
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton<HttpFunctionDispatcher>();
        builder.Services.AddSingleton<BlobTriggerQueue>();
        builder.Services.AddHostedService<BlobTriggerQueueListener>();
        builder.Services.AddSingleton<EventGridDelivery>();
        builder.Services.AddSingleton<HostTelemetry>();
        builder.Services.AddSingleton(sp => new StageTimings(sp.GetRequiredService<HostTelemetry>().Source)); // the host's share of a breakdown (GET /admin/host/stages)
        builder.Services.AddSingleton<BlobCreatedDelivery>();
        builder.Services.AddSingleton<EventGridStandIn>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EventGridStandIn>());
        builder.Services.AddSingleton<TimerScheduler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TimerScheduler>());
        builder.Services.AddHostedService<FeedsPublicAccess>();

        var app = builder.Build();
        app.Services.GetRequiredService<StageTimings>(); // listening from the start, not from the first look at it
        app.UseHostHttp();
        BlobWebhook.Map(app);
        EventGridWebhook.Map(app);
        AdminEndpoints.Map(app);
        // Every other path may be a function's route ('{**path}', not the default fallback, which skips paths that look like files).
        app.MapFallback("{**path}", context => context.RequestServices.GetRequiredService<HttpFunctionDispatcher>().HandleAsync(context));
        return app;
    }
}
