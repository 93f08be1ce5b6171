using FieldSync.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddFieldSyncTelemetry();
builder.Services.AddFieldSync(builder.Configuration);
builder.Build().Run();
