using System.Globalization;
using System.Text.Json.Nodes;
using FieldSync.Client;
using FieldSync.Client.Storage;

namespace FieldSync.LocalHost.Cli;

/// <summary>
/// What the <c>device</c> verb does, on a real SDK device (its SQLite database and <see cref="FieldSyncClient"/>), written
/// for a person watching a terminal: sync and say what came and went, the Offline Status / Device Status page, a table's
/// rows, a local edit queued in the outbox (and pushed when asked).
/// </summary>
internal sealed class DeviceConsole
{
    private readonly FieldSyncClient client;
    private readonly LocalStore store;
    private readonly TextWriter output;

    public DeviceConsole(FieldSyncClient client, LocalStore store, TextWriter output)
    {
        (this.client, this.store, this.output) = (client, store, output);
        // The seed's in-app notifications, as lines: the initial download with its progress, a large incremental sync
        // ("refresh the view" when done). An app shows them as a banner.
        client.Notification += (_, n) =>
        {
            if (n.State != FieldSync.Client.Notifications.SyncNotificationState.InProgress || n.Received == 0 || n.Pending == 0)
            {
                output.WriteLine(Invariant($"notification: {n.Kind} {n.State}, {n.Received} received, {n.Pending} to come ({n.Progress:P0}){(n.CanRefreshView ? "; refresh the view to see the latest updates" : "")}"));
            }
        };
    }

    /// <summary>How long a sync that pushed waits for the server to apply the batch and send its outcome back.</summary>
    private static readonly TimeSpan OutcomeWait = TimeSpan.FromSeconds(15);

    /// <summary>
    /// A "sync now" (FORCED_SYNC: every table, as the app's Check for updates): a person at a terminal wants to see the
    /// server's state, not wait for the tables' intervals. When changes were pushed, syncs again until the server has
    /// applied them and their outcomes are back (the queue function applies a batch a moment after it is accepted).
    /// </summary>
    public async Task<int> SyncAsync(CancellationToken cancellationToken)
    {
        var result = await client.SyncAsync(new SyncRequest { Force = true }, cancellationToken: cancellationToken);
        var waitUntil = DateTimeOffset.UtcNow + OutcomeWait;
        while (result.ChangesPushed > 0 && (await client.GetStatusAsync(cancellationToken)).PendingUploads > 0 && DateTimeOffset.UtcNow < waitUntil)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            var again = await client.SyncAsync(new SyncRequest { Force = true }, cancellationToken: cancellationToken);
            result = again with
            {
                BatchesPushed = result.BatchesPushed + again.BatchesPushed,
                ChangesPushed = result.ChangesPushed + again.ChangesPushed,
                Received = result.Received + again.Received,
                Removed = result.Removed + again.Removed,
                NewSyncErrors = result.NewSyncErrors + again.NewSyncErrors,
            };
        }
        output.WriteLine(Invariant($"sync: {result.SyncModes[0]}; pushed {result.ChangesPushed} change(s) in {result.BatchesPushed} batch(es); received {result.Received} row(s), removed {result.Removed}"));
        if (result.ResetReason is { } reset)
        {
            output.WriteLine($"the server reset this device ({reset}): its database was cleared and downloaded again");
        }
        if (result.NewSyncErrors > 0)
        {
            output.WriteLine(Invariant($"{result.NewSyncErrors} new sync error(s): see 'device status'"));
        }
        if (result.Repair is { } repair)
        {
            output.WriteLine(Invariant($"repaired {string.Join(", ", repair.TablesRepaired)} by a full delta sync ({repair.RowsReceived} row(s) received, {repair.RowsDeleted} deleted)"));
        }
        return 0;
    }

    public async Task<int> StatusAsync(CancellationToken cancellationToken)
    {
        var status = await client.GetStatusAsync(cancellationToken);
        output.WriteLine($"profile {status.ProfileId ?? "(none yet)"}; synced: {(status.HasSynced ? "yes" : "no")}; last mode {status.LastSyncMode ?? "-"}; sync in progress: {(status.SyncInProgress ? "yes" : "no")}");
        output.WriteLine(Invariant($"pending uploads {status.PendingUploads} (unsent {status.UnsentChanges}); sync errors {status.SyncErrors.Count}"));
        output.WriteLine("table                          rows  last updated          next due              checksum");
        foreach (var table in status.Tables.OrderBy(t => t.Table, StringComparer.Ordinal))
        {
            output.WriteLine(Invariant($"{table.Table,-28} {table.Rows,6}  {Time(table.LastUpdated),-20}  {Time(table.NextDueAt),-20}  {(table.ChecksumMatched switch { true => "matched", false => "MISMATCH", null => "-" })}"));
        }
        foreach (var error in status.SyncErrors)
        {
            output.WriteLine($"sync error: {error.Status} {error.Table} {error.RecordId}: {error.Reason} {error.Message}".TrimEnd());
        }
        return 0;
    }

    public async Task<int> ListAsync(string table, CancellationToken cancellationToken)
    {
        var rows = await store.ListAsync(table, cancellationToken);
        foreach (var row in rows.OrderBy(r => r.Id, StringComparer.Ordinal))
        {
            var data = row.Data;
            var name = data.TryGetProperty("name", out var n) ? n.ToString() : "";
            output.WriteLine(Invariant($"{row.Id,-24} v{row.Version?.ToString(CultureInfo.InvariantCulture) ?? "-",-4} {(row.HasPendingChanges ? "(local change) " : "")}{name}"));
        }
        output.WriteLine(Invariant($"{rows.Count} row(s) of {table}"));
        return 0;
    }

    /// <summary>One row as the app shows it (the server's row with any local change over it), or the seed's "Record Not Found".</summary>
    public async Task<int> ShowAsync(string table, string id, CancellationToken cancellationToken)
    {
        var lookup = await store.GetAsync(table, id, cancellationToken);
        if (!lookup.Found)
        {
            output.WriteLine($"{RecordLookup.RecordNotFoundTitle}: {table} {id} is not on this device");
            return 1;
        }
        var record = lookup.Record!;
        output.WriteLine(Invariant($"{table} {id} v{record.Version?.ToString(CultureInfo.InvariantCulture) ?? "-"}{(record.HasPendingChanges ? " (local change not confirmed yet)" : "")}"));
        output.WriteLine(JsonNode.Parse(record.Json)!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    public async Task<int> EditAsync(string table, string id, JsonObject changes, bool sync, CancellationToken cancellationToken)
    {
        var write = await store.UpdateAsync(table, id, changes, cancellationToken);
        if (!write.Accepted)
        {
            output.WriteLine($"not changed: {write.Status} ({table} {id})");
            return 1;
        }
        output.WriteLine($"{table} {id}: {write.Status}, in the outbox until the next sync");
        if (!sync)
        {
            return 0;
        }
        await SyncAsync(cancellationToken);
        // Applied on the server, the change shows over the old row until a pull brings the row at its new version.
        var waitUntil = DateTimeOffset.UtcNow + OutcomeWait;
        while ((await store.GetAsync(table, id, cancellationToken)).Record is { HasPendingChanges: true } && DateTimeOffset.UtcNow < waitUntil)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            await client.SyncAsync(new SyncRequest { Force = true }, cancellationToken: cancellationToken);
        }
        var now = (await store.GetAsync(table, id, cancellationToken)).Record;
        output.WriteLine(now is null ? $"{table} {id} is no longer on this device" : Invariant($"{table} {id} is at version {now.Version} on the server{(now.HasPendingChanges ? " (the change is not confirmed yet)" : "")}"));
        return 0;
    }

    private static string Time(DateTimeOffset? at) => at?.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
