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
builder.Services.AddHostedService<HostProcessWatch>(); // a worker of the local host stops when its host is gone
builder.Build().Run();
