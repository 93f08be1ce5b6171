using FieldSync.Client.Storage;

namespace FieldSync.Client.Tests;

/// <summary>A new technician with a booking, and their device: a database file of its own and a client on it.</summary>
public sealed class TestDevice : IAsyncDisposable
{
    private TestDevice(Dispatcher dispatcher, Agenda agenda, string path, LocalStore store, FieldSyncClient client)
    {
        Dispatcher = dispatcher;
        Agenda = agenda;
        DatabasePath = path;
        Store = store;
        Client = client;
    }

    public Dispatcher Dispatcher { get; }

    public Agenda Agenda { get; }

    public string DatabasePath { get; }

    public LocalStore Store { get; }

    public FieldSyncClient Client { get; }

    /// <summary>The device after its first sync (<paramref name="firstSync"/>), or before it.</summary>
    public static async Task<TestDevice> StartAsync(ClientHostFixture host, bool firstSync = true, HttpMessageHandler? transport = null)
    {
        var dispatcher = host.Dispatcher();
        var agenda = await dispatcher.NewTechnicianAsync();
        var path = host.NewDatabasePath();
        var store = await LocalStore.OpenAsync(path);
        var device = new TestDevice(dispatcher, agenda, path, store, host.Client(agenda.User, agenda.Device, store, transport));
        if (firstSync)
        {
            await device.Client.SyncAsync();
        }
        return device;
    }

    public async Task<LocalRecord?> ReadAsync(string table, string id) => (await Store.GetAsync(table, id)).Record;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Store.DisposeAsync();
        Dispatcher.Dispose();
    }
}
