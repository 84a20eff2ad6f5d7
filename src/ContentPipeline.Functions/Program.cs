using ContentPipeline.Functions;
using ContentPipeline.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseHttpConventions();
builder.AddApplicationInsights();
builder.Services.AddContentPipeline(builder.Configuration);
builder.Build().Run();
