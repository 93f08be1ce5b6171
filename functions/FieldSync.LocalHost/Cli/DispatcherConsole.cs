using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FieldSync.LocalHost.DemoData;

namespace FieldSync.LocalHost.Cli;

/// <summary>
/// What the <c>dispatch</c> verb does: a dispatcher's write through the records API while devices work offline — an
/// edit at the record's current version (If-Match), or a booking marked completed, which leaves the technician's device
/// on its next sync (the default profile does not carry completed bookings).
/// </summary>
internal sealed class DispatcherConsole(HttpClient http, TextWriter output)
{
    public async Task<int> EditAsync(string table, string id, JsonObject changes, CancellationToken cancellationToken)
    {
        var uri = new Uri($"api/records/{Uri.EscapeDataString(table)}/{Uri.EscapeDataString(id)}", UriKind.Relative);
        using var read = await http.GetAsync(uri, cancellationToken);
        if (!read.IsSuccessStatusCode)
        {
            output.WriteLine($"{table} {id}: {(int)read.StatusCode} {await read.Content.ReadAsStringAsync(cancellationToken)}");
            return 1;
        }
        using var patch = new HttpRequestMessage(HttpMethod.Patch, uri) { Content = new StringContent(changes.ToJsonString(), Encoding.UTF8, "application/json") };
        patch.Headers.IfMatch.Add(read.Headers.ETag ?? EntityTagHeaderValue.Any);
        using var written = await http.SendAsync(patch, cancellationToken);
        var body = await written.Content.ReadAsStringAsync(cancellationToken);
        if (written.StatusCode != HttpStatusCode.OK)
        {
            output.WriteLine($"{table} {id}: {(int)written.StatusCode} {body}");
            return 1;
        }
        var version = JsonDocument.Parse(body).RootElement.GetProperty("version").GetInt64();
        output.WriteLine($"dispatcher: {table} {id} is now version {version}; devices that carry it get it on their next sync");
        return 0;
    }

    public Task<int> CompleteAsync(string booking, CancellationToken cancellationToken)
        => EditAsync("bookableresourcebooking", booking, new JsonObject { ["bookingstatus"] = DemoDataSet.StatusCompleted }, cancellationToken);
}
