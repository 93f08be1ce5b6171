namespace FieldSync.Client.Storage;

/// <summary>
/// The answer to reading one record offline: <see cref="Found"/> with the record, or the seed's "Record Not Found"
/// (never held, removed by a sync because it left the profile, or deleted on the device).
/// </summary>
public sealed record RecordLookup(string Table, string Id, LocalRecord? Record)
{
    /// <summary>The title an app shows for a record it no longer holds, the same words the server uses.</summary>
    public const string RecordNotFoundTitle = "Record Not Found";

    public bool Found => Record is not null;
}
