using FieldSync.Core.Schema;
using FieldSync.Core.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FieldSync.Functions.Http;

public sealed class SchemaFunctions(SchemaCatalog schema, RequestGuard guard)
{
    /// <summary>The declared tables, columns, types and lookups, for any signed-in caller.</summary>
    [Function(nameof(GetSchema))]
    public async Task<IActionResult> GetSchema([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schema")] HttpRequest req)
    {
        var (caller, denied) = await guard.AuthorizeAsync(req, Roles.Technician, Roles.Dispatcher, Roles.Admin);
        if (caller is null)
        {
            return denied!;
        }
        return new JsonWriterResult(StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", schema.Version);
            w.WriteStartObject("tables");
            foreach (var table in schema.Tables.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                w.WriteStartObject(table.Name);
                w.WriteString("displayName", table.DisplayName);
                w.WriteString("primaryName", table.PrimaryNameColumn);
                w.WriteStartObject("columns");
                foreach (var column in table.Columns.Values)
                {
                    w.WriteStartObject(column.Name);
                    w.WriteString("type", column.Type.ToString().ToLowerInvariant());
                    w.WriteString("displayName", column.DisplayName);
                    if (column.Required)
                    {
                        w.WriteBoolean("required", true);
                    }
                    if (column.MaxLength is { } max)
                    {
                        w.WriteNumber("maxLength", max);
                    }
                    if (column.Target is { } target)
                    {
                        w.WriteString("target", target);
                    }
                    if (column.Options.Count > 0)
                    {
                        w.WriteStartArray("options");
                        foreach (var option in column.Options)
                        {
                            w.WriteStartObject();
                            w.WriteNumber("value", option.Value);
                            w.WriteString("label", option.Label);
                            w.WriteEndObject();
                        }
                        w.WriteEndArray();
                    }
                    w.WriteEndObject();
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }
}
