using System.Text.Json;
using FieldSync.Client.Wire;

namespace FieldSync.Client.Storage;

/// <summary>
/// One pull response, validated before anything of it is applied: a checkpoint, a known sync mode, rows with ids and
/// versions, checksums of 16 hex digits. A response that fails is a <see cref="FieldSyncProtocolException"/> and the
/// database is left as it was.
/// </summary>
internal sealed record PulledPage(
    string SyncMode,
    string Checkpoint,
    bool HasMore,
    long Pending,
    bool IsLarge,
    IReadOnlyList<string> ClearTables,
    IReadOnlyList<string> DroppedTables,
    IReadOnlyList<PulledRow> Upserts,
    IReadOnlyList<(string Table, string Id)> Removes,
    IReadOnlyList<PulledTableFigures> Tables,
    string? ProfileJson,
    IReadOnlyList<PushReceiptBody> PushOutcomes,
    string? ResetReason,
    long? LastAcceptedSequence,
    DateTimeOffset? ServerTime)
{
    /// <summary>The longest sync interval a profile may give a table (1,440 minutes).</summary>
    private static readonly TimeSpan MaxInterval = TimeSpan.FromDays(1);

    private static readonly TimeSpan ServerClockTolerance = TimeSpan.FromMinutes(5);

    public static readonly IReadOnlySet<string> SyncModes = new HashSet<string>(StringComparer.Ordinal) { "FIRST_SYNC", "DELTA_SYNC", "GRID_SYNC", "FORCED_SYNC" };

    public static PulledPage From(PullResponseBody body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (body.SyncMode is null || !SyncModes.Contains(body.SyncMode))
        {
            throw new FieldSyncProtocolException($"The pull answered an unknown syncMode '{body.SyncMode}'.");
        }
        if (string.IsNullOrEmpty(body.Checkpoint))
        {
            throw new FieldSyncProtocolException("The pull answered no checkpoint: nothing can be applied without one.");
        }
        if (body.Reset is { } reset && body.SyncMode != "FIRST_SYNC")
        {
            throw new FieldSyncProtocolException($"A reset ('{reset.Reason}') must come with a FIRST_SYNC page, not {body.SyncMode}.");
        }
        if (body.Profile is { ValueKind: not JsonValueKind.Null } sent)
        {
            // The scheduler and online mode act on it: checked now, so a bad one is never stored.
            DeviceProfile.Parse(sent);
        }
        var upserts = new List<PulledRow>();
        var removes = new List<(string, string)>();
        foreach (var (table, changes) in body.Changes ?? new Dictionary<string, TableChangesBody>())
        {
            foreach (var row in changes?.Upserts ?? [])
            {
                upserts.Add(PulledRow.Read(table, row));
            }
            foreach (var id in changes?.Removes ?? [])
            {
                removes.Add((table, string.IsNullOrEmpty(id) ? throw new FieldSyncProtocolException($"A remove of {table} has an empty id.") : id));
            }
        }
        var tables = new List<PulledTableFigures>();
        foreach (var (table, figures) in body.Tables ?? new Dictionary<string, TableFiguresBody>())
        {
            // The scheduler waits for nextDueAt: one beyond the longest interval (a day) after the server's own clock
            // would park the device, so it is refused like any answer the protocol does not allow. The tolerance
            // covers the clocks of the server's instances (a table synced by one, this answer written by another).
            if (body.ServerTime is { } serverTime
                && (figures.NextDueAt > serverTime + MaxInterval + ServerClockTolerance || figures.LastUpdated > serverTime + ServerClockTolerance))
            {
                throw new FieldSyncProtocolException($"The status of {table} (last updated {figures.LastUpdated:O}, next due {figures.NextDueAt:O}) does not fit the server's time {serverTime:O}.");
            }
            if (figures.Checksum is { } checksum && (checksum.Length != 16 || !checksum.All(Uri.IsHexDigit)))
            {
                throw new FieldSyncProtocolException($"The checksum of {table} is not 16 hex digits: '{checksum}'.");
            }
            // Both or neither: one without the other cannot be compared.
            var exact = figures.Count is >= 0 && figures.Checksum is not null;
            tables.Add(new PulledTableFigures(table, figures.LastUpdated, figures.NextDueAt, exact ? figures.Count : null, exact ? figures.Checksum!.ToLowerInvariant() : null));
        }
        return new PulledPage(body.SyncMode, body.Checkpoint, body.HasMore, Math.Max(body.Pending ?? 0, 0), body.IsLarge,
            body.Resync ?? [], body.Dropped ?? [], upserts, removes, tables,
            body.Profile is { ValueKind: JsonValueKind.Object } profile ? profile.GetRawText() : null,
            body.PushOutcomes ?? [], body.Reset?.Reason ?? (body.Reset is null ? null : "unknown"), body.LastAcceptedSequence, body.ServerTime);
    }
}
