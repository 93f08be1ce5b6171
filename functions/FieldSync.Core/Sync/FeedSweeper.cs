using FieldSync.Core.Profiles;
using FieldSync.Core.Records;
using FieldSync.Core.Schema;
using Microsoft.Extensions.Logging;

namespace FieldSync.Core.Sync;

/// <summary>
/// Work over many scopes or rows, done one bounded page per queue message (<see cref="FeedSweepMessage"/>): a profile
/// change re-evaluates the profile's scopes, compaction visits every scope, and time-relative filters are kept true by
/// fanning out only the rows whose date or time the clock has crossed. No function run loops over the fleet.
/// </summary>
public sealed partial class FeedSweeper(
    IFeedStore feed,
    IRecordStore records,
    IProfileStore profiles,
    IFeedWork work,
    FeedFanOut fanOut,
    SchemaCatalog schema,
    TimeProvider clock,
    ILogger<FeedSweeper> logger)
{
    /// <summary>Scopes per page: each costs a queue message (evaluation) or a compaction, so a page is a short run.</summary>
    public const int ScopesPerPage = 100;

    /// <summary>Rows per page of a time window: one fan-out of up to this many rows.</summary>
    public const int RowsPerPage = 500;

    /// <summary>When a page keeps failing (poison), it is queued again after this while, so its work is not lost.</summary>
    public static readonly TimeSpan RetryPoisonedAfter = TimeSpan.FromMinutes(5);

    /// <summary>The cursor of the time-relative timer: the moment up to which time windows have been queued.</summary>
    public const string TimeCursor = "time-relative";

    /// <summary>Does one page and queues the next. Returns the number of scopes or rows the page held.</summary>
    public async Task<int> HandleAsync(FeedSweepMessage message, CancellationToken cancellationToken)
    {
        switch (message.Kind)
        {
            case FeedSweepKind.EvaluateProfileScopes when message.ProfileId is not null:
            {
                var page = await feed.ListScopesAsync(message.ProfileId, message.After, ScopesPerPage, cancellationToken);
                foreach (var scope in page.Scopes)
                {
                    await work.EnqueueScopeAsync(scope.ScopeId, cancellationToken);
                }
                await NextAsync(message, page.Next, cancellationToken);
                return page.Scopes.Count;
            }
            case FeedSweepKind.CompactScopes when message.Before is { } before:
            {
                var page = await feed.ListScopesAsync(null, message.After, ScopesPerPage, cancellationToken);
                var dropped = 0;
                foreach (var scope in page.Scopes)
                {
                    dropped += await feed.CompactAsync(scope.ScopeId, before, cancellationToken);
                }
                LogCompacted(page.Scopes.Count, dropped, before);
                await NextAsync(message, page.Next, cancellationToken);
                return page.Scopes.Count;
            }
            case FeedSweepKind.TimeWindow when message is { Table: { } table, Column: { } column, Low: { } low, High: { } high }:
            {
                if (!schema.TryGetTable(table, out var tableSchema) || !tableSchema.TryGetColumn(column, out var columnSchema) || !columnSchema.Indexed)
                {
                    LogUnknownWindow(table, column);
                    return 0;
                }
                // A date column holds dates: the window's ends as dates (a superset: both end days included).
                var (from, to) = columnSchema.Type == ColumnType.Date
                    ? ((object)DateOnly.FromDateTime(low.UtcDateTime), (object)DateOnly.FromDateTime(high.UtcDateTime))
                    : (low, high);
                var page = await records.FindIdsBetweenAsync(table, column, from, to, message.After, RowsPerPage, cancellationToken);
                if (page.Ids.Count > 0)
                {
                    await fanOut.RowsChangedAsync([.. page.Ids.Select(id => new RecordKey(table, id))], cancellationToken);
                }
                await NextAsync(message, page.Next, cancellationToken);
                return page.Ids.Count;
            }
            default:
                throw new InvalidOperationException($"A feed sweep message of kind {message.Kind} lacks what that kind needs.");
        }
    }

    /// <summary>The continuation is queued after the page's work: a crash in between repeats the page, never skips one.</summary>
    private Task NextAsync(FeedSweepMessage message, string? next, CancellationToken cancellationToken)
        => next is null ? Task.CompletedTask : work.EnqueueSweepAsync(message with { After = next }, cancellationToken);

    /// <summary>For a page that kept failing: queued again for later, so a profile change or a midnight is not lost.</summary>
    public Task SettlePoisonedAsync(FeedSweepMessage message, CancellationToken cancellationToken)
    {
        LogPoisoned(message.Kind, message.ProfileId ?? message.Table, RetryPoisonedAfter);
        return work.EnqueueSweepAsync(message, cancellationToken, RetryPoisonedAfter);
    }

    /// <summary>For the daily timer: compaction of every scope, one page of scopes per message.</summary>
    public Task CompactAsync(DateTimeOffset before, CancellationToken cancellationToken)
        => work.EnqueueSweepAsync(FeedSweepMessage.CompactScopes(before), cancellationToken);

    /// <summary>
    /// For the timer: time-relative filters (<c>@today</c>, <c>now()</c>) change their answer as time passes. A row's
    /// answer can change only where the moving value crosses the row's value of a compared column
    /// (<see cref="TimeComparison"/>), so per compared column one window, from the last run to now, is queued: its rows are
    /// fanned out like writes, and only the scopes that hold them or may take them are evaluated. <c>@today</c> moves at
    /// midnight UTC only, so between midnights it queues nothing. A filter that uses time otherwise (compared with a
    /// literal) re-evaluates its profile's scopes. The first run, with no cursor, re-evaluates every time-relative profile
    /// once. One cursor read and write per run, whatever the fleet's size. Returns the number of messages queued.
    /// </summary>
    public async Task<int> ReevaluateTimeRelativeAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var cursor = await feed.GetCursorAsync(TimeCursor, cancellationToken);
        var windows = new HashSet<(string Table, string Column, DateTimeOffset Low, DateTimeOffset High)>();
        var wholeProfiles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var profile in await profiles.ListAsync(cancellationToken))
        {
            foreach (var rule in profile.Tables.Values)
            {
                if (rule.Filter is not { IsTimeRelative: true } filter)
                {
                    continue;
                }
                if (cursor is null || !filter.TimeOnlyComparedWithColumns)
                {
                    if (cursor is null || filter.UsesNow || (filter.Parameters.Contains(FilterParameter.Today) && Midnight(cursor.At) != Midnight(now)))
                    {
                        wholeProfiles.Add(profile.Id);
                    }
                    continue;
                }
                foreach (var comparison in filter.TimeComparisons)
                {
                    var (low, high) = comparison.UsesNow ? (cursor.At, now) : (Midnight(cursor.At), Midnight(now));
                    if (high > low)
                    {
                        windows.Add((rule.Table, comparison.Column, low, high));
                    }
                }
            }
        }
        foreach (var profileId in wholeProfiles)
        {
            await work.EnqueueSweepAsync(FeedSweepMessage.EvaluateProfileScopes(profileId), cancellationToken);
        }
        foreach (var (table, column, low, high) in windows.OrderBy(w => w.Table, StringComparer.Ordinal).ThenBy(w => w.Column, StringComparer.Ordinal))
        {
            await work.EnqueueSweepAsync(FeedSweepMessage.TimeWindow(table, column, low, high), cancellationToken);
        }
        // Moved only after the windows are queued: a crash before repeats them (idempotent), never loses one. A run that
        // lost the race to another only queued windows that one queued too.
        if (!await feed.TrySetCursorAsync(TimeCursor, now, cursor, cancellationToken))
        {
            LogCursorRace();
        }
        LogTimeRelative(windows.Count, wholeProfiles.Count, cursor?.At, now);
        return windows.Count + wholeProfiles.Count;
    }

    private static DateTimeOffset Midnight(DateTimeOffset at) => new(at.UtcDateTime.Date, TimeSpan.Zero);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Compacted {Scopes} scopes: {Dropped} remove ops older than {Before} dropped")]
    private partial void LogCompacted(int scopes, int dropped, DateTimeOffset before);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Time window over {Table}.{Column}, which is not an indexed column of the schema: ignored")]
    private partial void LogUnknownWindow(string table, string column);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Error, Message = "Feed sweep page ({Kind}, {Subject}) kept failing; queued again for {Delay}")]
    private partial void LogPoisoned(FeedSweepKind kind, string? subject, TimeSpan delay);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "Another run moved the time-relative cursor first; its windows were queued twice (harmless)")]
    private partial void LogCursorRace();

    [LoggerMessage(EventId = 4105, Level = LogLevel.Information, Message = "Time-relative filters: {Windows} time windows and {Profiles} whole profiles queued for {From} to {To}")]
    private partial void LogTimeRelative(int windows, int profiles, DateTimeOffset? from, DateTimeOffset to);
}
