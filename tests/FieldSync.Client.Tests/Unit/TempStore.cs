using FieldSync.Client.Storage;

namespace FieldSync.Client.Tests.Unit;

/// <summary>A database file of its own per test, deleted afterwards.</summary>
public sealed class TempStore : IAsyncDisposable
{
    private TempStore(string path, LocalStore store)
    {
        Path = path;
        Store = store;
    }

    public string Path { get; }

    public LocalStore Store { get; private set; }

    public static async Task<TempStore> CreateAsync()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fieldsync-unit-" + Guid.NewGuid().ToString("N")[..12] + ".db");
        return new TempStore(path, await LocalStore.OpenAsync(path));
    }

    /// <summary>Closes the file and opens it again, as an app restart does.</summary>
    public async Task<LocalStore> ReopenAsync()
    {
        await Store.DisposeAsync();
        Store = await LocalStore.OpenAsync(Path);
        return Store;
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        foreach (var file in new[] { Path, Path + "-wal", Path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
