using System.Text.Json;

namespace FieldSync.Infra.Tests;

/// <summary>
/// infra/ compiled, linted and snapshotted once per test run (each Bicep command takes about two seconds), shared by
/// every test. The CLI runs on a copy of infra/ in a temporary folder, because <c>bicep snapshot</c> writes its
/// result next to the parameter file.
/// </summary>
public sealed class InfraTemplate
{
    // The deployment context bicep snapshot evaluates names and ids with; stand-ins, not a real subscription.
    public const string SubscriptionId = "00000000-0000-0000-0000-0000000000a1";
    public const string TenantId = "00000000-0000-0000-0000-0000000000b2";
    public const string ResourceGroupName = "rg-fieldsync-dev";
    public const string Location = "westeurope";

    /// <summary>
    /// The second parameter file, written next to the copy of main.bicepparam: every non-default branch (EasyAuth, an
    /// operator's roles, another table prefix, conflict detection on), so the conditional resources are predicted too.
    /// </summary>
    public const string VariantParamFile = "variant.bicepparam";

    /// <summary>
    /// The API app registration's client id the main snapshot deploys with, passed as the documented one-command
    /// deployment passes it (<c>FIELDSYNC_API_CLIENT_ID=... az deployment group create ... infra/main.bicepparam</c>).
    /// </summary>
    public const string ApiClientId = "5d0b8e3a-2c41-4f7e-9b6a-1e8f3c7d2a90";
    public const string VariantApiClientId = "00000000-0000-0000-0000-0000000000c3";
    public const string VariantDeployerPrincipalId = "00000000-0000-0000-0000-0000000000d4";
    public const string VariantTablePrefix = "fsvariant";

    private static readonly Lazy<InfraTemplate> Shared = new(() => Task.Run(LoadAsync).GetAwaiter().GetResult());

    public static InfraTemplate Instance => Shared.Value;

    private InfraTemplate(string workDirectory, BicepRun lint, BicepRun build, BicepRun buildParams, BicepRun snapshot, BicepRun variantSnapshot)
    {
        WorkDirectory = workDirectory;
        Lint = lint;
        Build = build;
        BuildParams = buildParams;
        SnapshotRun = snapshot;
        VariantSnapshotRun = variantSnapshot;
        template = new(() => Parse(Build, Build.StandardOutput));
        defaults = new(() => new Deployment(Parse(SnapshotRun, ReadIfExists("main.snapshot.json"))));
        variant = new(() => new Deployment(Parse(VariantSnapshotRun, ReadIfExists("variant.snapshot.json"))));
    }

    public string WorkDirectory { get; }

    /// <summary><c>bicep lint --pattern **/*.bicep*</c>: main.bicep, every module and main.bicepparam.</summary>
    public BicepRun Lint { get; }

    /// <summary><c>bicep build main.bicep --stdout</c>.</summary>
    public BicepRun Build { get; }

    /// <summary><c>bicep build-params main.bicepparam --stdout</c>.</summary>
    public BicepRun BuildParams { get; }

    /// <summary><c>bicep snapshot main.bicepparam</c> with the stand-in context and <see cref="ApiClientId"/> in FIELDSYNC_API_CLIENT_ID.</summary>
    public BicepRun SnapshotRun { get; }

    public BicepRun VariantSnapshotRun { get; }

    private readonly Lazy<JsonElement> template;
    private readonly Lazy<Deployment> defaults;
    private readonly Lazy<Deployment> variant;

    /// <summary>The compiled ARM template (names and values are still expressions here).</summary>
    public JsonElement Template => template.Value;

    /// <summary>The resources main.bicepparam would deploy with the documented command, names and parameter-derived values evaluated.</summary>
    public Deployment Defaults => defaults.Value;

    /// <summary>The resources <see cref="VariantParamFile"/> would deploy.</summary>
    public Deployment Variant => variant.Value;

    private static async Task<InfraTemplate> LoadAsync()
    {
        var workDirectory = Path.Combine(Path.GetTempPath(), "fieldsync-infra-tests-" + Guid.NewGuid().ToString("N"));
        CopyDirectory(Path.Combine(RepositoryRoot.Find(), "infra"), workDirectory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(workDirectory);
        await File.WriteAllTextAsync(Path.Combine(workDirectory, VariantParamFile), $"""
            using 'main.bicep'

            param apiClientId = '{VariantApiClientId}'
            param authMode = 'EasyAuth'
            param deployerPrincipalId = '{VariantDeployerPrincipalId}'
            param tablePrefix = '{VariantTablePrefix}'
            param conflictDetection = true
            """);

        string[] context =
        [
            "--subscription-id", SubscriptionId, "--tenant-id", TenantId, "--resource-group", ResourceGroupName,
            "--location", Location, "--deployment-name", "main",
        ];
        var lint = BicepCli.RunAsync(workDirectory, "lint", "--pattern", "**/*.bicep*");
        var build = BicepCli.RunAsync(workDirectory, "build", "main.bicep", "--stdout");
        var buildParams = BicepCli.RunAsync(workDirectory, "build-params", "main.bicepparam", "--stdout");
        var snapshot = BicepCli.RunAsync(workDirectory, new Dictionary<string, string> { ["FIELDSYNC_API_CLIENT_ID"] = ApiClientId },
            ["snapshot", "main.bicepparam", .. context]);
        var variantSnapshot = BicepCli.RunAsync(workDirectory, ["snapshot", VariantParamFile, .. context]);
        await Task.WhenAll(lint, build, buildParams, snapshot, variantSnapshot);
        return new InfraTemplate(workDirectory, await lint, await build, await buildParams, await snapshot, await variantSnapshot);
    }

    private string? ReadIfExists(string fileName)
    {
        var path = Path.Combine(WorkDirectory, fileName);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    private static JsonElement Parse(BicepRun run, string? json)
    {
        if (run.ExitCode != 0 || string.IsNullOrWhiteSpace(json))
        {
            throw new InvalidOperationException($"No output to read: {run}");
        }
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>One snapshot: the predicted resources and outputs of a deployment of main.bicep with one parameter file.</summary>
public sealed class Deployment(JsonElement snapshot)
{
    public JsonElement Snapshot { get; } = snapshot;

    public IReadOnlyList<JsonElement> Resources { get; } = [.. snapshot.GetProperty("predictedResources").EnumerateArray()];

    public JsonElement Outputs => Snapshot.GetProperty("outputs");

    public IEnumerable<JsonElement> OfType(string type) =>
        Resources.Where(r => string.Equals(r.GetProperty("type").GetString(), type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The one resource of a type (a test fails if there are none or several).</summary>
    public JsonElement Single(string type) => Assert.Single(OfType(type));

    /// <summary>The child resource of a type whose name ends with /<paramref name="childName"/>, or null.</summary>
    public JsonElement? Child(string type, string childName) =>
        OfType(type).Where(r => LastSegment(r) == childName).Select(r => (JsonElement?)r).SingleOrDefault();

    public static string Name(JsonElement resource) => resource.GetProperty("name").GetString()!;

    public static string Id(JsonElement resource) => resource.GetProperty("id").GetString()!;

    /// <summary>A child resource's own name: fieldsync.../default/fsrecords gives fsrecords.</summary>
    public static string LastSegment(JsonElement resource) => Name(resource).Split('/')[^1];

    /// <summary>The function app's app settings as the template writes them (values may be ARM expressions).</summary>
    public IReadOnlyDictionary<string, string> RawAppSettings =>
        Child("Microsoft.Web/sites/config", "appsettings") is { } config
            ? config.GetProperty("properties").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText())
            : throw new InvalidOperationException("The snapshot has no Microsoft.Web/sites/config 'appsettings' resource.");
}

public static class RepositoryRoot
{
    /// <summary>The folder with FieldSync.Functions.sln, above the test assembly.</summary>
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FieldSync.Functions.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"The repository root (FieldSync.Functions.sln) was not found above {AppContext.BaseDirectory}.");
    }
}
