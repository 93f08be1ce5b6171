using FieldSync.Core.Profiles;
using FieldSync.Core.Records;
using FieldSync.Core.Schema;
using FieldSync.Core.Sync;

namespace FieldSync.Core.Online;

/// <summary>
/// Online mode's reads (the seed: "view live data outside the parameters of their offline profile configuration"): live
/// rows of the tables the caller's profile opens (<see cref="ProfileSettings.OnlineTables"/>), read from the records as they
/// are now, never from the change feed. They write nothing, so they never change what the device carries offline. Every
/// page is bounded in storage work (<see cref="OnlineLimits"/>).
/// </summary>
public sealed class OnlineReader(SchemaCatalog schema, IProfileStore profiles, IRecordStore records, ScopeEvaluator resources, TimeProvider clock)
{
    /// <summary>One page of a query of <paramref name="table"/> for <paramref name="userId"/>.</summary>
    public async Task<OnlineResult> QueryAsync(string userId, string table, IReadOnlyDictionary<string, IReadOnlyList<string>> parameters, CancellationToken cancellationToken)
    {
        if (!TryGetTable(table, out var tableSchema, out var unknown))
        {
            return unknown;
        }
        if (await RefusalAsync(userId, table, cancellationToken) is { } refused)
        {
            return refused;
        }
        var errors = new List<FieldError>();
        var query = OnlineQueryParser.Parse(tableSchema, schema, parameters, errors);
        if (query is null)
        {
            return OnlineResult.Invalid($"The online query of '{table}' has {errors.Count} problem(s); nothing was read.", errors);
        }
        var binding = query.Binding(userId);
        string? position = null;
        if (query.Continuation is { } continuation && (position = OnlineContinuation.Decode(continuation, binding, query.Plan)) is null)
        {
            return OnlineResult.Invalid("The continuation is not one this query returned; repeat the query's other parameters unchanged with it, or start again without one.",
                [new FieldError(OnlineQueryParser.ContinuationParameter, "not a continuation of this query (edited, cut, or made for another query, table or user)")]) with { Plan = query.Plan };
        }
        var context = await ContextAsync(userId, query.Filter, cancellationToken);
        var page = query.Plan.Kind switch
        {
            OnlinePlanKind.PointRead => await PointReadAsync(query, context, cancellationToken),
            OnlinePlanKind.IndexRange => await IndexAsync(query, context, position, binding, cancellationToken),
            _ => await ScanAsync(query, context, position, binding, cancellationToken),
        };
        return new OnlineResult(OnlineOutcome.Ok, Page: page) { Plan = query.Plan };
    }

    /// <summary>One live record of <paramref name="table"/>, whether or not the caller's offline data holds it.</summary>
    public async Task<OnlineResult> ReadAsync(string userId, string table, string id, IReadOnlyDictionary<string, IReadOnlyList<string>> parameters, CancellationToken cancellationToken)
    {
        if (!TryGetTable(table, out var tableSchema, out var unknown))
        {
            return unknown;
        }
        if (!RecordIds.IsValid(id, out var idError))
        {
            return OnlineResult.Invalid(idError!, [new FieldError("id", idError!)]);
        }
        if (await RefusalAsync(userId, table, cancellationToken) is { } refused)
        {
            return refused;
        }
        var errors = new List<FieldError>();
        var select = OnlineQueryParser.ParseSelectOnly(tableSchema, parameters, errors);
        if (errors.Count > 0)
        {
            return OnlineResult.Invalid($"The online read of '{table}' has {errors.Count} problem(s); nothing was read.", errors);
        }
        var stored = await records.GetAsync(table, id, cancellationToken);
        return stored is { Record.Deleted: false }
            ? new OnlineResult(OnlineOutcome.Ok, Record: Project(stored.Record, select))
            : new OnlineResult(OnlineOutcome.NotFound, Detail: $"There is no {table} '{id}' on the server: it was deleted, or never existed.");
    }

    private bool TryGetTable(string table, out TableSchema tableSchema, out OnlineResult unknown)
    {
        // Only declared names reach storage keys.
        if (SchemaCatalog.IsValidTableName(table) && schema.TryGetTable(table, out tableSchema))
        {
            unknown = null!;
            return true;
        }
        tableSchema = null!;
        unknown = new OnlineResult(OnlineOutcome.UnknownTable, Detail: $"'{(table.Length <= 64 ? table : table[..61] + "...")}' is not a table of the schema; see GET /api/schema.");
        return false;
    }

    /// <summary>Why the caller's profile (their assignment, as pushes judge it) refuses online reads of the table; null when it allows them.</summary>
    private async Task<OnlineResult?> RefusalAsync(string userId, string table, CancellationToken cancellationToken)
    {
        var profileId = await profiles.GetAssignmentAsync(userId, cancellationToken);
        var profile = await profiles.GetAsync(profileId, cancellationToken);
        if (profile is null || !profile.Settings.AllowOnlineMode)
        {
            return new OnlineResult(OnlineOutcome.Forbidden, Detail:
                $"Your offline profile '{profile?.Name ?? profileId}' does not allow online mode; keep working with your offline data, or ask an admin to set allowOnlineMode.");
        }
        if (!profile.Settings.AllowsOnlineRead(table))
        {
            return new OnlineResult(OnlineOutcome.Forbidden, Detail:
                $"Your offline profile '{profile.Name}' does not open '{table}' to online mode (its online tables: {(profile.Settings.OnlineTables.Count == 0 ? "none" : string.Join(", ", profile.Settings.OnlineTables))}).");
        }
        return null;
    }

    /// <summary>The filter's parameters for this caller now; the resource is looked up only when the filter uses it.</summary>
    private async Task<FilterContext> ContextAsync(string userId, RowFilter? filter, CancellationToken cancellationToken)
    {
        var resource = filter?.Parameters.Contains(FilterParameter.CurrentResource) == true ? await resources.FindResourceAsync(userId, cancellationToken) : null;
        return new FilterContext(userId, resource, clock.GetUtcNow());
    }

    private async Task<OnlinePage> PointReadAsync(OnlineQuery query, FilterContext context, CancellationToken cancellationToken)
    {
        if (query.Plan.IdFor(context) is not { } id || !RecordIds.IsValid(id, out _))
        {
            return new OnlinePage([], null, 0); // an id no record can have matches nothing; it never reaches a key
        }
        var stored = await records.GetAsync(query.Table, id, cancellationToken);
        return stored is { Record.Deleted: false } && Matches(query, stored.Record, context)
            ? new OnlinePage([Project(stored.Record, query.Select)], null, 1)
            : new OnlinePage([], null, stored is null ? 0 : 1);
    }

    /// <summary>At most <see cref="OnlineLimits.MaxScanRequestsPerPage"/> requests of the table's rows in id order, from the position.</summary>
    private async Task<OnlinePage> ScanAsync(OnlineQuery query, FilterContext context, string? position, string binding, CancellationToken cancellationToken)
    {
        var found = new List<Record>();
        var examined = 0;
        var after = string.IsNullOrEmpty(position) ? null : position;
        for (var request = 0; request < OnlineLimits.MaxScanRequestsPerPage; request++)
        {
            var page = await records.ScanPageAsync(query.Table, after, OnlineLimits.RowsPerScanRequest, cancellationToken);
            foreach (var record in page.Records)
            {
                examined++;
                after = record.Id;
                if (!record.Deleted && Matches(query, record, context))
                {
                    found.Add(Project(record, query.Select));
                    if (found.Count == query.Top)
                    {
                        // Rows after this one in the same storage page are read again by the next page: the position is exact.
                        var last = ReferenceEquals(record, page.Records[^1]) && page.Continuation is null;
                        return new OnlinePage(found, last ? null : OnlineContinuation.Encode(binding, query.Plan, after), examined);
                    }
                }
            }
            if (page.Continuation is null)
            {
                return new OnlinePage(found, null, examined);
            }
            after = page.Continuation;
        }
        return new OnlinePage(found, OnlineContinuation.Encode(binding, query.Plan, after ?? ""), examined);
    }

    /// <summary>
    /// Index entries in key order from the position, and a point read of each candidate, at most
    /// <see cref="OnlineLimits.MaxCandidateReadsPerPage"/> candidates in <see cref="OnlineLimits.MaxIndexRequestsPerPage"/> requests.
    /// </summary>
    private async Task<OnlinePage> IndexAsync(OnlineQuery query, FilterContext context, string? position, string binding, CancellationToken cancellationToken)
    {
        if (query.Plan.RangeFor(context) is not var (low, high))
        {
            return new OnlinePage([], null, 0);
        }
        var found = new List<Record>();
        var examined = 0;
        var after = position;
        for (var request = 0; request < OnlineLimits.MaxIndexRequestsPerPage && examined < OnlineLimits.MaxCandidateReadsPerPage; request++)
        {
            // Ask for as many candidates as rows are still wanted: most candidates of an index range match.
            var take = Math.Min(query.Top - found.Count, OnlineLimits.MaxCandidateReadsPerPage - examined);
            var page = await records.ReadIndexPageAsync(query.Table, query.Plan.Column!, low, high, after, take, cancellationToken);
            var read = await records.GetManyAsync([.. page.Ids.Select(id => (query.Table, id))], cancellationToken);
            examined += read.Length;
            foreach (var stored in read)
            {
                // The entry and the row are read apart: the row may have changed or gone since; the filter decides on the row.
                if (stored is { Record.Deleted: false } && Matches(query, stored.Record, context))
                {
                    found.Add(Project(stored.Record, query.Select));
                }
            }
            if (page.Next is null)
            {
                return new OnlinePage(found, null, examined);
            }
            after = page.Next;
            if (found.Count >= query.Top)
            {
                break;
            }
        }
        return new OnlinePage(found, OnlineContinuation.Encode(binding, query.Plan, after!), examined);
    }

    private static bool Matches(OnlineQuery query, Record record, FilterContext context) => query.Filter?.Evaluate(record, context) ?? true;

    /// <summary>The row with only the <c>$select</c> columns (system fields are always written).</summary>
    private static Record Project(Record record, IReadOnlyList<string>? select)
        => select is null ? record : record with { Values = record.Values.Where(kv => select.Contains(kv.Key, StringComparer.Ordinal)).ToDictionary(StringComparer.Ordinal) };
}
