using Microsoft.Data.Sqlite;

namespace FieldSync.Client.Storage;

/// <summary>The offline database's tables. Created idempotently at open; <c>user_version</c> says which layout a file has.</summary>
internal static class LocalSchema
{
    public const int Version = 1;

    private const string Ddl = """
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS rows (
            tbl TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL,
            PRIMARY KEY (tbl, id)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS table_status (
            tbl TEXT PRIMARY KEY, last_updated TEXT, next_due_at TEXT,
            server_count INTEGER, server_checksum TEXT, local_count INTEGER, local_checksum TEXT, checksum_matched INTEGER) WITHOUT ROWID;
        -- AUTOINCREMENT: a sequence number is never reused, so the order of changes survives deletes and restarts.
        CREATE TABLE IF NOT EXISTS outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT NOT NULL, id TEXT NOT NULL, action TEXT NOT NULL,
            base_version INTEGER, vals TEXT, state TEXT NOT NULL, batch_id TEXT, change_index INTEGER,
            applied_version INTEGER, queued_at TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS outbox_record ON outbox (tbl, id, seq);
        CREATE INDEX IF NOT EXISTS outbox_batch ON outbox (batch_id, change_index);
        CREATE TABLE IF NOT EXISTS batches (
            batch_id TEXT PRIMARY KEY, sequence INTEGER NOT NULL UNIQUE, body TEXT NOT NULL, state TEXT NOT NULL,
            prepared_at TEXT NOT NULL, accepted_at TEXT) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS sync_errors (
            error_id INTEGER PRIMARY KEY AUTOINCREMENT, batch_id TEXT, sequence INTEGER, tbl TEXT, record_id TEXT,
            action TEXT, status TEXT NOT NULL, reason TEXT, message TEXT, server_error_id TEXT, current TEXT,
            received_at TEXT NOT NULL);
        """;

    public static async Task CreateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        // WAL: readers never block the writer and a commit is one append; FULL: a committed pull, outbox entry or
        // prepared batch survives a power cut, so a batch id already sent is never forgotten and re-made under another id.
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", cancellationToken);
        await using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA user_version;";
        var version = Convert.ToInt32(await check.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        if (version > Version)
        {
            throw new InvalidOperationException($"The offline database was written by a newer SDK (layout {version}; this SDK knows {Version}).");
        }
        await ExecuteAsync(connection, Ddl + $"PRAGMA user_version={Version};", cancellationToken);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
