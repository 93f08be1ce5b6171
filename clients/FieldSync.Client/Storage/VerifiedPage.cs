using System.Text.Json;
using FieldSync.Client.Wire;

namespace FieldSync.Client.Storage;

/// <summary>
/// One verify answer, checked before anything of it is applied: a checkpoint, tables of the device's profile with a known
/// status, rows as <c>[id, version, seq]</c> with positive numbers, and rows sent whole that are listed on the same page.
/// </summary>
internal sealed record VerifiedPage(string Checkpoint, string? Continuation, IReadOnlyList<VerifiedPageTable> Tables, IReadOnlyList<string> Matched)
{
    public static VerifiedPage From(VerifyResponseBody body, DeviceProfile profile)
    {
        if (string.IsNullOrEmpty(body.Checkpoint) || body.Tables is null)
        {
            throw new FieldSyncProtocolException("A verify answer has no checkpoint or no tables.");
        }
        var tables = new List<VerifiedPageTable>();
        var matched = new List<string>();
        foreach (var (table, answer) in body.Tables)
        {
            if (!profile.Tables.ContainsKey(table))
            {
                throw new FieldSyncProtocolException($"A verify answer names the table '{table}', which the device's profile does not carry.");
            }
            switch (answer.Status)
            {
                case "matched":
                    matched.Add(table);
                    break;
                case "repair":
                    var rows = (answer.Rows ?? []).Select(r => Row(table, r)).ToList();
                    var listed = rows.Select(r => (r.Id, r.Version)).ToHashSet();
                    var upserts = (answer.Upserts ?? []).Select(r => PulledRow.Read(table, r)).ToList();
                    if (upserts.FirstOrDefault(u => !listed.Contains((u.Id, u.Version))) is { } stray)
                    {
                        throw new FieldSyncProtocolException($"A verify answer sent {table} {stray.Id} at version {stray.Version} whole without listing it.");
                    }
                    tables.Add(new VerifiedPageTable(table, rows, upserts, answer.Complete));
                    break;
                default:
                    throw new FieldSyncProtocolException($"A verify answer gives {table} the unknown status '{answer.Status}'.");
            }
        }
        return new VerifiedPage(body.Checkpoint, string.IsNullOrEmpty(body.Continuation) ? null : body.Continuation, tables, matched);
    }

    private static (string Id, long Version, long Seq) Row(string table, JsonElement row)
    {
        if (row.ValueKind == JsonValueKind.Array && row.GetArrayLength() == 3
            && row[0].ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(row[0].GetString())
            && row[1].ValueKind == JsonValueKind.Number && row[1].TryGetInt64(out var version) && version > 0
            && row[2].ValueKind == JsonValueKind.Number && row[2].TryGetInt64(out var seq) && seq > 0)
        {
            return (row[0].GetString()!, version, seq);
        }
        throw new FieldSyncProtocolException($"A verify row of {table} is not [id, version, seq]: {row.GetRawText()}");
    }
}
