using System.CommandLine;
using System.Globalization;
using FieldSync.Core.Security;
using FieldSync.LocalHost.Azurite;
using FieldSync.LocalHost.Cli;
using FieldSync.LocalHost.DemoData;
using FieldSync.LocalHost.Hosting;

namespace FieldSync.LocalHost;

/// <summary>
/// <c>dotnet run --project functions/FieldSync.LocalHost [-- run|token ...]</c>: serves the FieldSync
/// function app locally (starting Azurite when no storage is configured) or prints a bearer token for it.
/// </summary>
internal static class Program
{
    private const int DefaultPort = 7071;
    // --no-build: run has just built it, and a build would print its warnings to stdout into $TOKEN.
    private const string TokenCommandLine = "dotnet run --no-build --project functions/FieldSync.LocalHost -- token";

    public static Task<int> Main(string[] args)
    {
        var root = new RootCommand("FieldSync local host: runs the function app without Azure Functions Core Tools.");
        AddRunOptionsAndAction(root);
        var run = new Command("run", $"Serve the function app on http://localhost:{DefaultPort} (the default when no command is given).");
        AddRunOptionsAndAction(run);
        root.Subcommands.Add(run);
        root.Subcommands.Add(TokenCommand());
        root.Subcommands.Add(DeviceCommands.Device());
        root.Subcommands.Add(DeviceCommands.Dispatch());

        // Ctrl+C cancels the action's token; give the host and Azurite time to stop cleanly.
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(20) });
    }

    private static void AddRunOptionsAndAction(Command command)
    {
        var port = new Option<int>("--port") { Description = "HTTP port on localhost.", DefaultValueFactory = _ => DefaultPort };
        var noSeed = new Option<bool>("--no-seed") { Description = "Do not write the demo data set." };
        command.Options.Add(port);
        command.Options.Add(noSeed);
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(port), parse.GetValue(noSeed), cancellationToken));
    }

    private static Command TokenCommand()
    {
        var user = new Option<string>("--user") { Description = "The user id (token subject).", Required = true };
        var roles = new Option<string[]>("--role")
        {
            Description = $"A role to grant: {string.Join(", ", Roles.All.Order(StringComparer.Ordinal))}. Repeat for several.",
            Required = true,
        };
        var lifetime = new Option<int>("--lifetime") { Description = "Token lifetime in minutes.", DefaultValueFactory = _ => 480 };
        var command = new Command("token", "Print a bearer token signed with this machine's local key (accepted by run).") { user, roles, lifetime };
        command.SetAction(parse =>
        {
            var granted = parse.GetValue(roles) ?? [];
            var unknown = granted.Where(r => !Roles.All.Contains(r)).ToList();
            if (unknown.Count > 0)
            {
                Console.Error.WriteLine($"Unknown role(s): {string.Join(", ", unknown)}. Valid roles: {string.Join(", ", Roles.All.Order(StringComparer.Ordinal))}.");
                return 2;
            }
            var minutes = parse.GetValue(lifetime);
            if (minutes <= 0)
            {
                Console.Error.WriteLine("--lifetime must be a positive number of minutes.");
                return 2;
            }
            var key = LocalSigningKey.LoadOrCreate(RepoRoot.Find());
            // Only the token on stdout, so TOKEN=$(... token ...) captures it.
            Console.Out.WriteLine(LocalTokens.Issue(key, parse.GetValue(user)!, granted.Distinct().ToList(), TimeSpan.FromMinutes(minutes), DateTimeOffset.UtcNow));
            return 0;
        });
        return command;
    }

    private static async Task<int> RunAsync(int port, bool noSeed, CancellationToken cancellationToken)
    {
        AzuriteProcess? azurite = null;
        LocalFunctionHost? host = null;
        try
        {
            var repoRoot = RepoRoot.Find();
            var storage = Environment.GetEnvironmentVariable("AzureWebJobsStorage");
            string storageDescription;
            if (string.IsNullOrEmpty(storage))
            {
                Console.WriteLine("No AzureWebJobsStorage configured: starting Azurite (in memory)...");
                azurite = await AzuriteProcess.StartAsync(repoRoot, cancellationToken: cancellationToken);
                storage = azurite.ConnectionString;
                storageDescription = $"Azurite in memory (pid {azurite.ProcessId}): blob 127.0.0.1:{azurite.BlobPort}, queue 127.0.0.1:{azurite.QueuePort}, table 127.0.0.1:{azurite.TablePort}";
            }
            else
            {
                storageDescription = "AzureWebJobsStorage from the environment";
            }

            var key = LocalSigningKey.LoadOrCreate(repoRoot);
            host = await LocalFunctionHost.StartAsync(new LocalFunctionHostOptions
            {
                Port = port,
                StorageConnectionString = storage,
                Settings =
                {
                    ["FieldSync:Auth:Mode"] = "Jwt",
                    ["FieldSync:Auth:SigningKey"] = Convert.ToBase64String(key),
                },
            }, cancellationToken);

            var seeded = noSeed ? (int?)null : await DemoDataSeeder.SeedAsync(host.Services, cancellationToken);

            var baseUrl = $"http://localhost:{host.BaseAddress.Port}";
            var prefix = host.RoutePrefix.Length == 0 ? "" : host.RoutePrefix + "/";
            var byTrigger = string.Join(", ", host.Functions.GroupBy(f => f.Trigger).OrderBy(g => g.Key)
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}")));
            Console.WriteLine($"""

                FieldSync local host
                  Storage:   {storageDescription}
                  API:       {baseUrl}/{prefix}
                  Functions: {host.Functions.Count} ({byTrigger}); list: {baseUrl}/admin/functions
                  Demo data: {(seeded is { } count ? $"{count} records seeded" : "not seeded (--no-seed)")}

                Call it with a token signed by this machine's local key (roles: {string.Join(", ", Roles.All.Order(StringComparer.Ordinal))}):
                  TOKEN=$({TokenCommandLine} --user dispatcher1 --role dispatcher)
                  curl -H "Authorization: Bearer $TOKEN" {baseUrl}/{prefix}records/workorder

                Press Ctrl+C to stop.
                """);

            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.WriteLine("Stopping...");
            return 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            // Startup problems (port in use, Node missing, a function that cannot be bound): the message says what to do.
            Console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
        finally
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
            azurite?.Dispose();
        }
    }
}
