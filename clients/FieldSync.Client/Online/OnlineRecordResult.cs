using FieldSync.Client.Storage;

namespace FieldSync.Client.Online;

/// <summary>
/// One record read in online mode: live from the server, or, when the server could not be reached, from the local
/// database (<see cref="FromOffline"/>, with <see cref="OfflineReason"/>); null when neither holds it ("Record Not Found").
/// </summary>
public sealed record OnlineRecordResult(string Table, string Id, LocalRecord? Record, bool FromOffline, string? OfflineReason)
{
    public bool Found => Record is not null;
}
