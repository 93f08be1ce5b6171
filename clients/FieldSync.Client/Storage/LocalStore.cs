using Microsoft.Data.Sqlite;

namespace FieldSync.Client.Storage;

/// <summary>
/// The device's offline database, one SQLite file in WAL mode: the rows of every offline table as the server sent
/// them (id, version, whole row as JSON), the checkpoint and profile, per-table status, the outbox of local changes,
/// the pushed batches and the sync errors. The app reads and writes records here whether or not it is online; a
/// <see cref="FieldSyncClient"/> moves changes between this store and the server.
/// </summary>
/// <remarks>
/// One connection, used by one operation at a time: a device app is one process, and serializing here means no
/// operation ever waits on SQLite's busy handler or sees another's half-done transaction. Every operation that
/// writes more than one row is one transaction.
/// </remarks>
public sealed partial class LocalStore : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeProvider _time;
    private int _disposed;

    private LocalStore(string path, SqliteConnection connection, TimeProvider time)
    {
        Path = path;
        _connection = connection;
        _time = time;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>
    /// Test seam for the crash guarantee: called before each row of a pull is written, inside the pull's transaction.
    /// Throwing from it is a crash mid-apply: the transaction rolls back and the previous checkpoint and rows remain.
    /// </summary>
    internal Action<string, string>? BeforePulledRowWritten { get; set; }

    /// <summary>Opens (creating if needed) the database at <paramref name="path"/> and brings its schema up to date.</summary>
    public static async Task<LocalStore> OpenAsync(string path, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        // No pooling: closing the store releases the file, so an app (or a test) can reopen, move or delete it.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            await LocalSchema.CreateAsync(connection, cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        return new LocalStore(path, connection, time ?? TimeProvider.System);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _gate.WaitAsync();
        try
        {
            await _connection.DisposeAsync();
        }
        finally
        {
            _gate.Release();
            _gate.Dispose();
        }
    }

    /// <summary>Runs <paramref name="work"/> alone on the connection.</summary>
    private async Task<T> RunAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await work(_connection);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> alone in one write transaction (BEGIN IMMEDIATE), committed only if it returns.</summary>
    private Task<T> InTransactionAsync<T>(Func<SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
        => RunAsync(async connection =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            var result = await work(transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }, cancellationToken);

    private string Now() => _time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
}
