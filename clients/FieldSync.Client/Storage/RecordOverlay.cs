using System.Text.Json.Nodes;
using FieldSync.Client.Outbox;

namespace FieldSync.Client.Storage;

/// <summary>
/// The record the app sees: the server's stored row with the record's outbox entries folded over it in order.
/// Stored rows stay exactly what the server sent (so checksums compare server truth); local changes live only in
/// the outbox until the server's own row catches up with them.
/// </summary>
internal static class RecordOverlay
{
    /// <summary>Fields the server assigns: never sent in a change's values.</summary>
    public static readonly IReadOnlySet<string> SystemFields = new HashSet<string>(StringComparer.Ordinal) { "id", "version", "modifiedOn", "modifiedBy", "deleted" };

    /// <summary>The effective record, or null when it does not exist on the device.</summary>
    public static JsonObject? Fold(string id, string? storedJson, long? storedVersion, IEnumerable<OutboxEntry> entries)
    {
        var current = storedJson is null ? null : JsonNode.Parse(storedJson)!.AsObject();
        foreach (var entry in entries)
        {
            // An applied change the stored row already contains (the pull delivered its version or a later one).
            if (entry.State == OutboxEntryState.Applied && storedVersion >= entry.AppliedVersion)
            {
                continue;
            }
            switch (entry.Action)
            {
                case OutboxAction.Create:
                    current = new JsonObject { ["id"] = id };
                    Merge(current, entry.ValuesJson);
                    break;
                case OutboxAction.Update when current is not null:
                    Merge(current, entry.ValuesJson);
                    break;
                case OutboxAction.Delete:
                    current = null;
                    break;
                default:
                    // An update of a record a pull removed: it stays Record Not Found; the server rejects the change.
                    break;
            }
        }
        return current;
    }

    /// <summary>The columns of <paramref name="record"/> with <paramref name="changes"/> applied (<c>null</c> clears a column): the whole row a change sends.</summary>
    public static JsonObject Columns(JsonObject? record, JsonObject changes)
    {
        var row = new JsonObject();
        foreach (var (name, value) in record ?? [])
        {
            if (!SystemFields.Contains(name))
            {
                row[name] = value?.DeepClone();
            }
        }
        foreach (var (name, value) in changes)
        {
            if (SystemFields.Contains(name))
            {
                throw new ArgumentException($"'{name}' is assigned by the server and cannot be set.", nameof(changes));
            }
            row[name] = value?.DeepClone();
        }
        return row;
    }

    private static void Merge(JsonObject target, string? valuesJson)
    {
        if (valuesJson is null)
        {
            return;
        }
        foreach (var (name, value) in JsonNode.Parse(valuesJson)!.AsObject())
        {
            target[name] = value?.DeepClone();
        }
    }
}
