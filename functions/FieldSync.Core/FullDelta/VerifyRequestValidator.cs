using FieldSync.Core.Records;
using FieldSync.Core.Schema;
using FieldSync.Core.Sync;

namespace FieldSync.Core.FullDelta;

/// <summary>
/// Checks a verify request on its face (before anything is read): device id, checkpoint present, tables of the schema
/// each with a count, a 16-hex-digit checksum and optionally a held-rows filter, page size, continuation. Whether the tables are in the caller's profile
/// and the checkpoint is this device's are decided by <see cref="FullDeltaSyncService"/>.
/// </summary>
public sealed class VerifyRequestValidator(SchemaCatalog schema)
{
    public ValidatedVerify? Validate(VerifyRequest? request, List<FieldError> errors)
    {
        if (request is null)
        {
            errors.Add(new FieldError("$", "The body must be a JSON object."));
            return null;
        }
        var before = errors.Count;
        FullDeltaRequests.CheckDevice(request.DeviceId, request.Checkpoint, errors);
        var tables = new Dictionary<string, TableHolding>(StringComparer.Ordinal);
        var filters = new Dictionary<string, HeldRowsFilter>(StringComparer.Ordinal);
        if (request.Tables is null)
        {
            errors.Add(new FieldError("tables", "'tables' is required: per table you hold, { \"count\": rows, \"checksum\": 16 hex digits } (an empty object when you hold none)."));
        }
        else if (request.Tables.Count > Checkpoint.MaxBuckets)
        {
            errors.Add(new FieldError("tables", $"'tables' names at most {Checkpoint.MaxBuckets} tables."));
        }
        else
        {
            foreach (var (table, holding) in request.Tables)
            {
                var field = "tables." + table;
                if (!SchemaCatalog.IsValidTableName(table) || !schema.TryGetTable(table, out _))
                {
                    errors.Add(new FieldError(field, $"'{table}' is not a table of the schema; see GET /api/schema."));
                }
                else if (holding is not { Count: >= 0 and <= Checkpoint.MaxSequence, Checksum: { Length: 16 } hex } || !hex.All(char.IsAsciiHexDigit))
                {
                    errors.Add(new FieldError(field, "A table is { \"count\": a whole number ≥ 0, \"checksum\": 16 hex digits }, both required."));
                }
                else if (holding.HeldRows is { } encoded && HeldRowsFilter.TryParse(encoded) is null)
                {
                    errors.Add(new FieldError(field + ".heldRows", $"'heldRows' is the Base64 of 1 to {HeldRowsFilter.MaxBytes} bytes (a held-rows filter; see the protocol), or absent."));
                }
                else
                {
                    tables[table] = new TableHolding(holding.Count!.Value, hex.ToLowerInvariant());
                    if (holding.HeldRows is { } valid)
                    {
                        filters[table] = HeldRowsFilter.TryParse(valid)!;
                    }
                }
            }
        }
        if (request.PageSize is < 1 or > FullDeltaLimits.MaxPageRows)
        {
            errors.Add(new FieldError("pageSize", $"pageSize must be from 1 to {FullDeltaLimits.MaxPageRows}."));
        }
        if (request.Continuation is { } continuation && (continuation.Length is 0 or > FullDeltaLimits.MaxContinuationLength))
        {
            errors.Add(new FieldError("continuation", "continuation must be the value the previous verify answer gave, or absent."));
        }
        return errors.Count > before
            ? null
            : new ValidatedVerify(request.DeviceId!, request.Checkpoint!, tables, filters, request.Continuation, request.PageSize ?? FullDeltaLimits.MaxPageRows);
    }
}
