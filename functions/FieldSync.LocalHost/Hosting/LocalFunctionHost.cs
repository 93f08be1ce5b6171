using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FieldSync.LocalHost.Hosting;

/// <summary>
/// Hosts function classes in-process on Kestrel without Azure Functions Core Tools, driven by the
/// functions.metadata the Worker SDK generates and by host.json: HTTP triggers are routes under the
/// route prefix, queue triggers poll their queues, timer triggers fire on schedule. Used by the
/// <c>run</c> command and by end-to-end tests.
/// </summary>
/// <example>
/// <code>
/// await using var host = await LocalFunctionHost.StartAsync(new LocalFunctionHostOptions
/// {
///     StorageConnectionString = azurite.ConnectionString,
///     Settings = { ["FieldSync:Auth:Mode"] = "Jwt", ["FieldSync:Auth:SigningKey"] = key },
/// });
/// using var client = host.CreateClient();
/// var health = await client.GetAsync("api/health");
/// </code>
/// </example>
public sealed class LocalFunctionHost : IAsyncDisposable
{
    /// <summary>The problem <c>type</c> of a 404 for a request under the route prefix that no function serves.</summary>
    public const string NoSuchRouteProblemType = HttpTriggers.NoSuchRouteProblemType;

    private static readonly JsonSerializerOptions AdminJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly WebApplication _app;
    private int _disposed;

    private LocalFunctionHost(WebApplication app, Uri baseAddress, IReadOnlyList<BoundFunction> functions, string routePrefix)
    {
        _app = app;
        BaseAddress = baseAddress;
        Functions = functions;
        RoutePrefix = routePrefix;
    }

    /// <summary>Where HTTP triggers are served: <c>http://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The host's root service provider: the function app's services plus the host's.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Every function bound from functions.metadata, in file order.</summary>
    public IReadOnlyList<BoundFunction> Functions { get; }

    /// <summary>The HTTP route prefix from host.json (default "api"; may be empty).</summary>
    public string RoutePrefix { get; }

    /// <summary>
    /// Binds every function in the metadata (any it cannot bind is a startup error naming it), then
    /// starts Kestrel, the queue listeners and the timers.
    /// </summary>
    /// <exception cref="InvalidOperationException">A function cannot be bound, or a setting it names is missing.</exception>
    public static async Task<LocalFunctionHost> StartAsync(LocalFunctionHostOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var metadata = FunctionMetadata.Load(options.MetadataPath);
        var hostJson = HostJson.Load(options.HostJsonPath);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // Fixed, so neither the shell's directory nor the test runner's entry assembly changes behaviour.
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(LocalFunctionHost).Assembly.GetName().Name,
        });
        builder.Configuration.AddInMemoryCollection([new("AzureWebJobsStorage", options.StorageConnectionString)]);
        builder.Configuration.AddInMemoryCollection(options.Settings);
        options.ConfigureConfiguration?.Invoke(builder.Configuration);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (options.Port == 0)
            {
                kestrel.Listen(IPAddress.Loopback, 0);
            }
            else
            {
                // Both 127.0.0.1 and ::1, so http://localhost:7071 works whichever the client tries first.
                kestrel.ListenLocalhost(options.Port);
            }
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(10));
        // The executors that write IActionResult values (OkObjectResult etc.) outside an MVC pipeline.
        builder.Services.AddMvcCore();

        options.AddFunctionServices(builder.Services, builder.Configuration);
        options.ConfigureServices?.Invoke(builder.Services);

        var http = new List<HttpTriggers.Binding>();
        var bound = new List<BoundFunction>();
        foreach (var function in metadata)
        {
            CheckBindings(function);
            var triggerType = FunctionMetadata.BindingType(function.Trigger);
            switch (triggerType.ToLowerInvariant())
            {
                case "httptrigger":
                    var httpBinding = HttpTriggers.Bind(function, options.FunctionsAssembly, hostJson.RoutePrefix);
                    http.Add(httpBinding);
                    bound.Add(httpBinding.Function);
                    break;
                case "queuetrigger":
                    var queueBinding = QueueTriggers.Bind(function, options.FunctionsAssembly, builder.Configuration);
                    // AddSingleton, not AddHostedService: the latter de-duplicates by type and would keep one listener.
                    builder.Services.AddSingleton<IHostedService>(services => new QueueTriggerListener(queueBinding, hostJson.Queues, services));
                    bound.Add(queueBinding.Function);
                    break;
                case "timertrigger":
                    var timerBinding = TimerTriggers.Bind(function, options.FunctionsAssembly, builder.Configuration);
                    builder.Services.AddSingleton<IHostedService>(services => new TimerTriggerRunner(timerBinding, services));
                    bound.Add(timerBinding.Function);
                    break;
                default:
                    throw new InvalidOperationException($"Function '{function.Name}': trigger type '{triggerType}' is not supported by the local host.");
            }
        }

        var app = builder.Build();
        foreach (var binding in http)
        {
            HttpTriggers.Map(app, binding);
        }
        HttpTriggers.MapNoSuchRoute(app, hostJson.RoutePrefix);
        MapAdmin(app, bound);

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var port = new Uri(address).Port;
        return new LocalFunctionHost(app, new Uri($"http://127.0.0.1:{port}/"), bound, hostJson.RoutePrefix);
    }

    /// <summary>An HttpClient whose BaseAddress is <see cref="BaseAddress"/>. The caller disposes it.</summary>
    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress };

    /// <summary>Stops HTTP, lets running queue and timer invocations finish (up to 10 s), and disposes services.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        try
        {
            await _app.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>
    /// Only trigger bindings and the HTTP return value are implemented; an output binding would be
    /// silently dropped, so it is a startup error instead.
    /// </summary>
    private static void CheckBindings(FunctionMetadata function)
    {
        foreach (var binding in function.Bindings)
        {
            var type = FunctionMetadata.BindingType(binding);
            if (!type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase) && !string.Equals(type, "http", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"Function '{function.Name}': binding '{FunctionMetadata.Text(binding, "name")}' of type '{type}' is not supported by the local host.");
            }
        }
    }

    /// <summary>GET /admin/functions, like the real host's admin API: what is bound and how to invoke it.</summary>
    private static void MapAdmin(WebApplication app, IReadOnlyList<BoundFunction> functions)
    {
        app.MapGet("/admin/functions", (HttpContext context) =>
        {
            var root = $"{context.Request.Scheme}://{context.Request.Host}/";
            return Results.Json(functions.Select(f => new
            {
                f.Name,
                f.EntryPoint,
                f.Trigger,
                f.Route,
                f.Methods,
                f.QueueName,
                f.Schedule,
                invoke_url_template = f.Route is null ? null : root + f.Route,
            }), AdminJson);
        });
    }
}
