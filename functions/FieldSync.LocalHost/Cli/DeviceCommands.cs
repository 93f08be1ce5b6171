using System.CommandLine;
using System.Net.Http.Headers;
using FieldSync.Client;
using FieldSync.Client.Storage;
using FieldSync.Core.Security;
using FieldSync.LocalHost.Azurite;

namespace FieldSync.LocalHost.Cli;

/// <summary>
/// The <c>device</c> and <c>dispatch</c> verbs: a command-line device (the SDK, on a database in
/// &lt;repo root&gt;/.fieldsync/devices) and a dispatcher, both signed in with this machine's local key against a
/// running local host, so a new user can watch sync work from a terminal.
/// </summary>
internal static class DeviceCommands
{
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);

    public static Command Device()
    {
        var user = new Option<string>("--user") { Description = "The demo technician (tech1 to tech5).", DefaultValueFactory = _ => "tech1", Recursive = true };
        var device = new Option<string?>("--device") { Description = "The device id (default phone-<user>); each has its own database.", Recursive = true };
        var server = Server();
        var command = new Command("device", "A command-line device on the FieldSync SDK: sync, status, list, show, edit.") { user, device, server };

        var sync = new Command("sync", "Push the outbox, then pull what is due (a first sync on a new device).");
        sync.SetAction((parse, ct) => WithDeviceAsync(parse, user, device, server, (console, token) => console.SyncAsync(token), ct));
        var status = new Command("status", "Offline Status and Device Status: per table rows, last updated, next due; uploads and errors.");
        status.SetAction((parse, ct) => WithDeviceAsync(parse, user, device, server, (console, token) => console.StatusAsync(token), ct));
        var table = new Argument<string>("table") { Description = "A table, e.g. workorder, bookableresourcebooking." };
        var list = new Command("list", "The rows of a table held offline (a local change marked).") { table };
        list.SetAction((parse, ct) => WithDeviceAsync(parse, user, device, server, (console, token) => console.ListAsync(parse.GetValue(table)!, token), ct));
        var (showTable, showId) = (new Argument<string>("table"), new Argument<string>("id"));
        var show = new Command("show", "One row as the app shows it, local change included.") { showTable, showId };
        show.SetAction((parse, ct) => WithDeviceAsync(parse, user, device, server, (console, token) => console.ShowAsync(parse.GetValue(showTable)!, parse.GetValue(showId)!, token), ct));
        var (editTable, id, assignments) = (new Argument<string>("table"), new Argument<string>("id"), new Argument<string[]>("field=value") { Arity = ArgumentArity.OneOrMore });
        var push = new Option<bool>("--sync") { Description = "Sync right after the edit (push it)." };
        var edit = new Command("edit", "Change a row offline (queued in the outbox).") { editTable, id, assignments, push };
        edit.SetAction((parse, ct) => WithDeviceAsync(parse, user, device, server, (console, token) =>
            console.EditAsync(parse.GetValue(editTable)!, parse.GetValue(id)!, FieldAssignments.Parse(parse.GetValue(assignments)!), parse.GetValue(push), token), ct));
        foreach (var verb in new[] { sync, status, list, show, edit })
        {
            command.Subcommands.Add(verb);
        }
        return command;
    }

    public static Command Dispatch()
    {
        var user = new Option<string>("--user") { Description = "The dispatcher's user id.", DefaultValueFactory = _ => "dispatcher1", Recursive = true };
        var server = Server();
        var command = new Command("dispatch", "A dispatcher's write through the records API.") { user, server };
        var (table, id, assignments) = (new Argument<string>("table"), new Argument<string>("id"), new Argument<string[]>("field=value") { Arity = ArgumentArity.OneOrMore });
        var edit = new Command("edit", "Edit a record at its current version.") { table, id, assignments };
        edit.SetAction((parse, ct) => WithDispatcherAsync(parse, user, server, (console, token) =>
            console.EditAsync(parse.GetValue(table)!, parse.GetValue(id)!, FieldAssignments.Parse(parse.GetValue(assignments)!), token), ct));
        var booking = new Argument<string>("booking");
        var complete = new Command("complete", "Mark a booking completed: it leaves the technician's device on the next sync.") { booking };
        complete.SetAction((parse, ct) => WithDispatcherAsync(parse, user, server, (console, token) => console.CompleteAsync(parse.GetValue(booking)!, token), ct));
        command.Subcommands.Add(edit);
        command.Subcommands.Add(complete);
        return command;
    }

    private static Option<string> Server() => new("--server")
    {
        Description = "The local host's address.",
        DefaultValueFactory = _ => "http://localhost:7071/",
        Recursive = true,
    };

    private static Uri Address(ParseResult parse, Option<string> server)
        => Uri.TryCreate(parse.GetValue(server), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? new Uri(uri.ToString().TrimEnd('/') + "/")
            : throw new ArgumentException($"--server must be an http(s) address, not '{parse.GetValue(server)}'.");

    private static async Task<int> WithDeviceAsync(ParseResult parse, Option<string> user, Option<string?> device, Option<string> server,
        Func<DeviceConsole, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        var userId = parse.GetValue(user)!;
        var deviceId = parse.GetValue(device) ?? "phone-" + userId;
        var folder = Path.Combine(RepoRoot.StateDirectory(RepoRoot.Find()), "devices");
        Directory.CreateDirectory(folder);
        await using var store = await LocalStore.OpenAsync(Path.Combine(folder, deviceId + ".db"), cancellationToken: cancellationToken);
        using var client = new FieldSyncClient(new FieldSyncClientOptions
        {
            ServerAddress = Address(parse, server),
            DeviceId = deviceId,
            AccessToken = _ => ValueTask.FromResult(Token(userId, Roles.Technician)),
            AppVersion = "fieldsync-device-cli",
            Platform = Environment.OSVersion.Platform.ToString(),
            MaxRetries = 1,
        }, store);
        return await RunAsync(() => action(new DeviceConsole(client, store, Console.Out), cancellationToken));
    }

    private static async Task<int> WithDispatcherAsync(ParseResult parse, Option<string> user, Option<string> server,
        Func<DispatcherConsole, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Address(parse, server) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(parse.GetValue(user)!, Roles.Dispatcher));
        return await RunAsync(() => action(new DispatcherConsole(http, Console.Out), cancellationToken));
    }

    private static string Token(string user, string role)
        => LocalTokens.Issue(LocalSigningKey.LoadOrCreate(RepoRoot.Find()), user, [role], TokenLifetime, DateTimeOffset.UtcNow);

    /// <summary>A failure a user can act on (the host not running, a refused request, a bad argument) as one line, not a stack trace.</summary>
    private static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (HttpRequestException e)
        {
            await Console.Error.WriteLineAsync($"Network or Service Unavailable: {e.Message} (is the local host running? dotnet run --project functions/FieldSync.LocalHost)");
        }
        catch (FieldSyncApiException e)
        {
            await Console.Error.WriteLineAsync($"The server refused: {(int)e.Status} {e.ProblemSlug} {e.Message}");
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
        }
        return 1;
    }
}
