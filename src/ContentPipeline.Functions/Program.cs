using ContentPipeline.Functions;
using ContentPipeline.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseHttpConventions();
builder.AddApplicationInsights();
builder.Services.AddContentPipeline(builder.Configuration);
builder.Services.AddStageTelemetry(builder.Configuration); // stage spans to Application Insights (and a summary file, for the benchmark)
builder.Services.AddHostedService<HostProcessWatch>(); // a worker of the local host stops when its host is gone
builder.Build().Run();
