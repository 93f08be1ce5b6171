using FieldSync.Client.Storage;

namespace FieldSync.Client.Online;

/// <summary>
/// A page of an online query: live rows with the server's <see cref="Continuation"/> (follow it until it is null), or,
/// when the server could not be reached, every row of the table the device holds offline (<see cref="FromOffline"/>;
/// the query's filter is the server's language and is not applied offline: the app shows its offline view).
/// </summary>
public sealed record OnlinePageResult(string Table, IReadOnlyList<LocalRecord> Records, string? Continuation, bool FromOffline, string? OfflineReason)
{
    /// <summary>What the app shows when online mode falls back (Power Apps' words when the network drops in online mode).</summary>
    public const string NetworkDisconnectedMessage = "Network disconnected. Switch to offline mode to continue working with the app";
}
