using System.Net;
using System.Net.Http.Headers;
using FieldSync.Client;
using FieldSync.Client.Storage;
using FieldSync.Core.Security;
using FieldSync.LocalHost.Hosting;
using FieldSync.Testing;

namespace FieldSync.Client.Tests;

/// <summary>
/// One real FieldSync function app (the local host, queue triggers running) on the assembly's Azurite for every
/// end-to-end SDK test, with a settings source the tests change at run time (conflict detection), and a folder of
/// device databases removed at the end.
/// </summary>
public sealed class ClientHostFixture : IAsyncLifetime
{
    private readonly AzuriteFixture azurite = new();
    private readonly RuntimeSettings runtime = new();
    private LocalFunctionHost? host;

    public TestSigningKey Key { get; } = TestSigningKey.Create();

    public string DatabaseFolder { get; } = Path.Combine(Path.GetTempPath(), "fieldsync-client-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public Uri BaseAddress => host!.BaseAddress;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DatabaseFolder);
        await azurite.InitializeAsync();
        host = await FieldSyncTestHost.StartAsync(azurite, Key, options => options.ConfigureConfiguration = configuration => configuration.Add(runtime));
    }

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.DisposeAsync();
        }
        try
        {
            Directory.Delete(DatabaseFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a failed test: the temp folder is cleaned by the OS.
        }
    }

    /// <summary>The environment's conflict detection (FieldSync:Sync:ConflictDetection), as an operator changes it.</summary>
    public void SetConflictDetection(bool on) => runtime.Change("FieldSync:Sync:ConflictDetection", on ? "true" : "false");

    public HttpClient As(string user, string role)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key.Token(user, role));
        return client;
    }

    public Dispatcher Dispatcher() => new(As("dispatcher1", Roles.Dispatcher), As("admin1", Roles.Admin));

    /// <summary>A new database file path for one simulated device.</summary>
    public string NewDatabasePath() => Path.Combine(DatabaseFolder, Guid.NewGuid().ToString("N")[..12] + ".db");

    /// <summary>A client for <paramref name="user"/>'s device on <paramref name="store"/>, with short backoffs so retries take milliseconds.</summary>
    /// <param name="server">Another address than the host's (a port nobody listens on, a listener that never answers).</param>
    public FieldSyncClient Client(string user, string deviceId, LocalStore store, HttpMessageHandler? transport = null, int pageSize = 1000,
        Uri? server = null, TimeSpan? healthCheckTimeout = null) => new(new FieldSyncClientOptions
    {
        ServerAddress = server ?? BaseAddress,
        PageSize = pageSize,
        HealthCheckTimeout = healthCheckTimeout ?? TimeSpan.FromSeconds(5),
        DeviceId = deviceId,
        AccessToken = _ => ValueTask.FromResult(Key.Token(user, Roles.Technician)),
        AppVersion = "client-tests/1.0",
        Platform = "dotnet-test",
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
        AttemptTimeout = TimeSpan.FromSeconds(20),
    }, store, transport);

    /// <summary>GET /api/sync/status for <paramref name="user"/>'s device, as the technician's app (or an admin) reads it.</summary>
    public async Task<System.Text.Json.JsonElement> DeviceStatusAsync(string user, string deviceId)
    {
        using var technician = As(user, Roles.Technician);
        using var response = await technician.GetAsync(new Uri("api/sync/status?deviceId=" + Uri.EscapeDataString(deviceId), UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return System.Text.Json.JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The sockets transport a test wraps (decompression on, as the SDK's default).</summary>
    public static SocketsHttpHandler Sockets() => new() { AutomaticDecompression = DecompressionMethods.All };
}

[CollectionDefinition(Name)]
public sealed class ClientHostGroup : ICollectionFixture<ClientHostFixture>
{
    // One collection: tests run one after another on the one host, so a test that changes conflict detection never races another.
    public const string Name = "client-host";
}
