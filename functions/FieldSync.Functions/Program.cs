using FieldSync.Functions;
using FieldSync.Functions.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
// After the ASP.NET Core integration's own middleware, so the problem it sets is the response that one writes.
builder.UseMiddleware<ProblemMiddleware>();
builder.Services.AddFieldSyncTelemetry(builder.Configuration);
builder.Services.AddFieldSync(builder.Configuration);
builder.Build().Run();
