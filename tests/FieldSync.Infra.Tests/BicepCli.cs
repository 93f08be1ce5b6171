using System.Diagnostics;

namespace FieldSync.Infra.Tests;

/// <summary>What one run of the Bicep CLI did.</summary>
public sealed record BicepRun(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Everything the CLI printed; diagnostics go to stderr, but an empty run prints nothing at all.</summary>
    public string Printed => (StandardOutput + StandardError).Trim();

    public override string ToString() => $"bicep {Command} exited {ExitCode}: {Printed}";
}

/// <summary>
/// Runs the Bicep CLI that the build copies to bicep/bicep next to the tests (from the Azure.Bicep.CommandLine.linux-x64
/// package, so the compiler version is the one pinned in Directory.Packages.props).
/// </summary>
public static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static string ExecutablePath { get; } = Path.Combine(AppContext.BaseDirectory, "bicep", "bicep");

    /// <summary>Environment variables the parameter files read: cleared, so a developer's shell cannot change what is tested.</summary>
    private static readonly string[] ClearedVariables = ["FIELDSYNC_API_CLIENT_ID", "FIELDSYNC_ENVIRONMENT"];

    private static readonly Lazy<bool> Executable = new(EnsureExecutable);

    public static Task<BicepRun> RunAsync(string workingDirectory, params string[] arguments)
        => RunAsync(workingDirectory, new Dictionary<string, string>(), arguments);

    /// <param name="environment">Variables set for this run only (after the cleared ones are removed).</param>
    public static async Task<BicepRun> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        _ = Executable.Value;
        var start = new ProcessStartInfo(ExecutablePath)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var name in ClearedVariables)
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        // The CLI keeps a cache under ~/.bicep; give it a writable home where the machine has none.
        if (string.IsNullOrEmpty(start.Environment["HOME"]) || !Directory.Exists(start.Environment["HOME"]))
        {
            start.Environment["HOME"] = Path.GetTempPath();
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {ExecutablePath}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }
        return new BicepRun(string.Join(' ', arguments), process.ExitCode, await stdout, await stderr);
    }

    /// <summary>NuGet extraction does not always keep the execute bit of tools/bicep, nor does every copy.</summary>
    private static bool EnsureExecutable()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            throw new PlatformNotSupportedException(
                "The pinned Bicep CLI comes from Azure.Bicep.CommandLine.linux-x64: the infra tests run on Linux x64 (as CI does).");
        }
        if (!File.Exists(ExecutablePath))
        {
            throw new FileNotFoundException(
                $"The Bicep CLI is not at {ExecutablePath}. The test project's build copies it from the Azure.Bicep.CommandLine.linux-x64 package.",
                ExecutablePath);
        }
        var mode = File.GetUnixFileMode(ExecutablePath);
        const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(ExecutablePath, mode | execute | UnixFileMode.UserRead);
        }
        return true;
    }
}
