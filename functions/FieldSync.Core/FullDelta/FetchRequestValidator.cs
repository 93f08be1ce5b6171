using FieldSync.Core.Records;
using FieldSync.Core.Schema;
using FieldSync.Core.Sync;

namespace FieldSync.Core.FullDelta;

/// <summary>
/// Checks a fetch request on its face: device id, checkpoint present, a table of the schema, 1 to 1,000 distinct ids
/// safe for storage keys, and, when sequence numbers are sent, one per id.
/// </summary>
public sealed class FetchRequestValidator(SchemaCatalog schema)
{
    public ValidatedFetch? Validate(FetchRequest? request, List<FieldError> errors)
    {
        if (request is null)
        {
            errors.Add(new FieldError("$", "The body must be a JSON object."));
            return null;
        }
        var before = errors.Count;
        FullDeltaRequests.CheckDevice(request.DeviceId, request.Checkpoint, errors);
        if (request.Table is null)
        {
            errors.Add(new FieldError("table", "'table' is required."));
        }
        else if (!SchemaCatalog.IsValidTableName(request.Table) || !schema.TryGetTable(request.Table, out _))
        {
            errors.Add(new FieldError("table", $"'{request.Table}' is not a table of the schema; see GET /api/schema."));
        }
        var ids = new List<string>();
        if (request.Ids is not { Count: > 0 and <= FullDeltaLimits.MaxFetchIds })
        {
            errors.Add(new FieldError("ids", $"'ids' is required: 1 to {FullDeltaLimits.MaxFetchIds} record ids."));
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < request.Ids.Count; i++)
            {
                var id = request.Ids[i];
                if (!RecordIds.IsValid(id, out var error))
                {
                    errors.Add(new FieldError($"ids[{i}]", error ?? "Not a valid record id."));
                }
                else if (!seen.Add(id!))
                {
                    errors.Add(new FieldError($"ids[{i}]", $"'{id}' is named twice; name each id once."));
                }
                else
                {
                    ids.Add(id!);
                }
            }
        }
        if (request.Seqs is { } seqs && (seqs.Count != (request.Ids?.Count ?? 0) || seqs.Any(s => s is < 1 or > Checkpoint.MaxSequence)))
        {
            errors.Add(new FieldError("seqs", "'seqs', when sent, has one op sequence number (from 1) per id, in the same order: the third element of each row the verify listed."));
        }
        return errors.Count > before ? null : new ValidatedFetch(request.DeviceId!, request.Checkpoint!, request.Table!, ids, request.Seqs);
    }
}
