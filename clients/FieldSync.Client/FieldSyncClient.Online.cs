using FieldSync.Client.Online;
using FieldSync.Client.Storage;

namespace FieldSync.Client;

// Online mode: live reads outside the offline profile, falling back to the local database when the server cannot be reached.
public sealed partial class FieldSyncClient
{
    /// <summary>
    /// Reads one record live (<c>GET /api/online/{table}/{id}</c>), held offline or not. When the server cannot be
    /// reached (no connection, no answer within <see cref="FieldSyncClientOptions.OnlineReadTimeout"/>, 502/503/504) the
    /// record comes from the local database instead and <see cref="OnlineRecordResult.FromOffline"/> says so. Never
    /// changes the local database.
    /// </summary>
    /// <exception cref="InvalidOperationException">The profile in force does not allow online mode or does not open <paramref name="table"/>.</exception>
    /// <exception cref="FieldSyncApiException">The server refused the read (403: the profile changed on the server; 404 unknown table).</exception>
    public async Task<OnlineRecordResult> GetOnlineAsync(string table, string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        ArgumentException.ThrowIfNullOrEmpty(id);
        await EnsureOnlineAllowedAsync(table, cancellationToken);
        var (row, unreachable) = await AttemptAsync(_options.OnlineReadTimeout, token => _api.GetOnlineAsync(table, id, token), cancellationToken);
        SetAvailability(unreachable is null ? ServiceAvailability.Available : ServiceAvailability.Unavailable);
        if (unreachable is null)
        {
            return new OnlineRecordResult(table, id, row is null ? null : Live(row), false, null);
        }
        return new OnlineRecordResult(table, id, (await Store.GetAsync(table, id, cancellationToken)).Record, true, unreachable);
    }

    /// <summary>
    /// One page of live rows (<c>GET /api/online/{table}</c>); falls back to every row of the table held offline when
    /// the server cannot be reached, as <see cref="GetOnlineAsync"/> does.
    /// </summary>
    /// <exception cref="InvalidOperationException">The profile in force does not allow online mode or does not open <paramref name="table"/>.</exception>
    /// <exception cref="FieldSyncApiException">The server refused the query (400 a bad filter, 403, 404 unknown table).</exception>
    public async Task<OnlinePageResult> QueryOnlineAsync(string table, OnlineQuery? query = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        await EnsureOnlineAllowedAsync(table, cancellationToken);
        var queryString = (query ?? new OnlineQuery()).ToQueryString();
        var (page, unreachable) = await AttemptAsync(_options.OnlineReadTimeout, token => _api.QueryOnlineAsync(table, queryString, token), cancellationToken);
        SetAvailability(unreachable is null ? ServiceAvailability.Available : ServiceAvailability.Unavailable);
        if (unreachable is null)
        {
            return new OnlinePageResult(table, [.. page.Rows.Select(Live)], page.Continuation, false, null);
        }
        return new OnlinePageResult(table, await Store.ListAsync(table, cancellationToken), null, true, unreachable);
    }

    private static LocalRecord Live(PulledRow row) => new(row.Table, row.Id, row.Version, row.Json, HasPendingChanges: false);

    private async Task EnsureOnlineAllowedAsync(string table, CancellationToken cancellationToken)
    {
        var profile = await GetProfileAsync(cancellationToken);
        if (profile is null || !profile.OpensOnline(table))
        {
            throw new InvalidOperationException(profile is null
                ? "Online mode needs the offline profile: sync first."
                : $"The offline profile '{profile.Id}' does not open '{table}' to online mode (allowOnlineMode {profile.AllowOnlineMode.ToString().ToLowerInvariant()}, online tables: {string.Join(", ", profile.OnlineTables)}).");
        }
    }
}
