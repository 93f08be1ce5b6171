namespace FieldSync.EndToEnd.Tests.Catalogue;

/// <summary>What the catalogue could have written: every record (with version), profile, assignment and sync error, and the devices' inboxes and bindings.</summary>
public sealed record StorageSnapshot(
    IReadOnlyList<string> Records,
    IReadOnlyList<string> Profiles,
    IReadOnlyList<string> Assignments,
    IReadOnlyList<string> SyncErrors,
    IReadOnlyList<string> InboxHeads,
    IReadOnlyList<string> Bindings)
{
    /// <summary>Fails naming what differs, so a write by a hostile request can be traced to its key.</summary>
    public void AssertSameAs(StorageSnapshot after)
    {
        ArgumentNullException.ThrowIfNull(after);
        Same("records", Records, after.Records);
        Same("profiles", Profiles, after.Profiles);
        Same("assignments", Assignments, after.Assignments);
        Same("sync errors", SyncErrors, after.SyncErrors);
        Same("inbox heads", InboxHeads, after.InboxHeads);
        Same("device bindings", Bindings, after.Bindings);
    }

    private static void Same(string what, IReadOnlyList<string> before, IReadOnlyList<string> after)
    {
        var added = after.Except(before, StringComparer.Ordinal).Take(10).ToList();
        var removed = before.Except(after, StringComparer.Ordinal).Take(10).ToList();
        Assert.True(added.Count == 0 && removed.Count == 0,
            $"hostile requests changed the {what}: added [{string.Join(", ", added)}], removed [{string.Join(", ", removed)}]");
    }
}
