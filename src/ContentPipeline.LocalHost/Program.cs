using System.Net.Sockets;
using ContentPipeline.Hosting;
using ContentPipeline.LocalHost;
using ContentPipeline.LocalHost.Front;
using ContentPipeline.LocalHost.Http;
using ContentPipeline.LocalHost.Storage;
using ContentPipeline.LocalHost.Worker;
using ContentPipeline.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

// Usage: ContentPipeline.LocalHost --LocalHost:AppPath=<published app> [--LocalHost:SettingsFile=<local.settings.json>]
//        [--urls http://127.0.0.1:7071] [--upload <folder>] [--Values:Name=value ...]
//    or: ContentPipeline.LocalHost --front <instance URL>,<instance URL>... [--urls http://127.0.0.1:7071]
//        (the load balancer in front of several instances; see scripts/run.sh with INSTANCES=N)
if (args.SkipWhile(a => a != "--front").Skip(1).FirstOrDefault() is { } instances)
{
    var front = FrontDoor.Build(args.Where((a, i) => a != "--front" && (i == 0 || args[i - 1] != "--front")).ToArray(), instances);
    await front.RunAsync();
    return 0;
}

var upload = args.SkipWhile(a => a != "--upload").Skip(1).FirstOrDefault();
var app = LocalFunctionsHost.Build(args.Where((a, i) => a != "--upload" && (i == 0 || args[i - 1] != "--upload")).ToArray());
try
{
    await app.StartAsync();
}
catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
{
    Console.Error.WriteLine($"error: the host's port is taken ({ex.Message}). Stop whatever uses it, or pass --urls http://127.0.0.1:<port>.");
    return 2;
}

try
{
    await app.Services.GetRequiredService<WorkerSupervisor>().WhenReadyAsync(app.Lifetime.ApplicationStopping);
}
catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or TimeoutException or WorkerUnavailableException or IOException or OperationCanceledException)
{
    Console.Error.WriteLine($"error: the Functions app did not start ({ex.Message}); the log above says why.");
    await app.StopAsync();
    return 1;
}

var options = app.Services.GetRequiredService<IOptions<LocalHostOptions>>().Value;
var url = options.FrontUrl?.AbsoluteUri.TrimEnd('/') ?? app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
var keys = app.Services.GetRequiredService<KeyAuthorization>().Keys;
var blobs = app.Services.GetRequiredService<StorageAccounts>().Blobs(StorageConnection.Name);
var feeds = blobs.GetBlobContainerClient(StorageNames.FeedsContainer).Uri;
if (upload is not null)
{
    var (uploaded, unchanged) = await SeedUploader.UploadFolderAsync(blobs.GetBlobContainerClient(StorageNames.IncomingContainer), upload, app.Lifetime.ApplicationStopping);
    Console.WriteLine($"Uploaded {uploaded} file(s) from {upload} to '{StorageNames.IncomingContainer}' ({unchanged} already there, unchanged).");
}

Console.WriteLine($$"""

    Content pipeline is running (local Functions host, driving the published app's worker over gRPC){{(options.FrontUrl is null ? "" : $"; instance {options.InstanceId}, behind the front door")}}.
      Editors' desk  {{url}}/api/desk/index.html   (paste the function key)
      API            {{url}}/api/articles              (OpenAPI: {{url}}/api/openapi.json)
      Function key   {{keys.Function}}     (editors: send it in the x-functions-key header)
      Master key     {{keys.Master}}     (admin API)
      Blob webhook   {{url}}/runtime/webhooks/blobs?functionName=Host.Functions.IngestArticle   (x-functions-key: {{keys.BlobsExtension}})
      Event Grid     {{url}}/runtime/webhooks/EventGrid?functionName=RemoveDeletedArticle   (x-functions-key: {{keys.EventGridExtension}})
      Storage        {{blobs.Uri}}   (containers incoming, rejected, feeds)
      Feeds          {{feeds}}/index.json   (all.rss.xml, all.atom.xml, all.json, category/{slug}.*, topic/{slug}.*)

    Try:
      curl -s "{{url}}/api/articles?limit=3"
      curl -s -H "x-functions-key: {{keys.Function}}" "{{url}}/api/editor/articles?status=draft"
      curl -s -X POST -H "x-functions-key: {{keys.Master}}" -H "Content-Type: application/json" -d '{"input":""}' {{url}}/admin/functions/PublishFeeds
      curl -s {{feeds}}/all.rss.xml

    Ctrl-C stops.
    """);
await app.WaitForShutdownAsync();
return 0;
