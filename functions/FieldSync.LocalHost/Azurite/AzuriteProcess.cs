using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace FieldSync.LocalHost.Azurite;

/// <summary>
/// An Azurite (Azure Storage emulator) child process: in memory, on free loopback ports, installed
/// from the repository's package lock by <c>npm ci</c> on first use. Used by <c>run</c> and by tests;
/// each instance is private storage that disappears with the process.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable, IDisposable
{
    /// <summary>Azurite's well-known development account.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>Azurite's well-known development key (public, documented by Microsoft; not a secret).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const int MaxLaunchAttempts = 3;
    private static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);

    private readonly Process _process;
    private readonly OutputTail _output;
    private readonly EventHandler _onProcessExit;
    private int _disposed;

    private AzuriteProcess(Process process, OutputTail output, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _output = output;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        // Dispose may never run (test runner torn down, unhandled exception): kill on the way out too.
        _onProcessExit = (_, _) => Dispose();
        AppDomain.CurrentDomain.ProcessExit += _onProcessExit;
    }

    /// <summary>Blob service port on 127.0.0.1.</summary>
    public int BlobPort { get; }

    /// <summary>Queue service port on 127.0.0.1.</summary>
    public int QueuePort { get; }

    /// <summary>Table service port on 127.0.0.1.</summary>
    public int TablePort { get; }

    /// <summary>The node process id (for diagnostics).</summary>
    public int ProcessId => _process.Id;

    /// <summary>A storage connection string for this Azurite (all three services).</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    /// <summary>
    /// Installs Azurite if needed (<c>npm ci</c> at the repository root, serialized across processes),
    /// starts it on free ports and waits until all three services accept connections.
    /// </summary>
    /// <param name="repoRoot">The repository root holding package.json; found from the output directory when null.</param>
    /// <param name="startTimeout">How long to wait for the ports to open; 60 s when null.</param>
    /// <param name="cancellationToken">Cancels installing or waiting (the process is then killed).</param>
    /// <exception cref="InvalidOperationException">Node/npm missing, install failed, or Azurite did not start (message includes its output).</exception>
    public static async Task<AzuriteProcess> StartAsync(string? repoRoot = null, TimeSpan? startTimeout = null, CancellationToken cancellationToken = default)
    {
        repoRoot ??= RepoRoot.Find();
        await EnsureInstalledAsync(repoRoot, cancellationToken);

        for (var attempt = 1; ; attempt++)
        {
            var (blob, queue, table) = FindFreePorts();
            var output = new OutputTail();
            var process = Launch(repoRoot, blob, queue, table, output);
            try
            {
                await WaitForPortsAsync(process, output, [blob, queue, table], startTimeout ?? DefaultStartTimeout, cancellationToken);
                return new AzuriteProcess(process, output, blob, queue, table);
            }
            catch (AzuriteExitedException) when (attempt < MaxLaunchAttempts)
            {
                // Most likely another process took one of the ports between our probe and Azurite's bind.
                process.Dispose();
            }
            catch
            {
                Kill(process);
                process.Dispose();
                throw;
            }
        }
    }

    /// <summary>Kills Azurite and its whole process tree. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        AppDomain.CurrentDomain.ProcessExit -= _onProcessExit;
        Kill(_process);
        _process.Dispose();
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Azurite's recent console output, for error messages.</summary>
    public string RecentOutput => _output.ToString();

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static Process Launch(string repoRoot, int blobPort, int queuePort, int tablePort, OutputTail output)
    {
        var exitWithParent = Path.Combine(AppContext.BaseDirectory, "Azurite", "exit-with-parent.cjs");
        if (!File.Exists(exitWithParent))
        {
            throw new InvalidOperationException($"{exitWithParent} is missing from the build output; rebuild FieldSync.LocalHost.");
        }

        var start = new ProcessStartInfo("node")
        {
            // In-memory mode writes nothing (and forbids --location); should that change, files land in .fieldsync/.
            WorkingDirectory = RepoRoot.StateDirectory(repoRoot),
            UseShellExecute = false,
            // Our end of stdin stays open for Azurite's lifetime; exit-with-parent.cjs ends it when we die.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            "-r", exitWithParent,
            Path.Combine(repoRoot, "node_modules", "azurite", "dist", "src", "azurite.js"),
            "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException("Node.js ('node' on PATH) is needed to run Azurite. Install Node.js 20 or later, or set AzureWebJobsStorage to existing storage.", ex);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForPortsAsync(Process process, OutputTail output, int[] ports, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var open = new bool[ports.Length];
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new AzuriteExitedException($"Azurite exited with code {process.ExitCode} before listening on ports {string.Join(", ", ports)}. Output:{Environment.NewLine}{output}");
            }
            for (var i = 0; i < ports.Length; i++)
            {
                open[i] = open[i] || await AcceptsConnectionAsync(ports[i], cancellationToken);
            }
            if (open.All(o => o))
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Azurite did not open ports {string.Join(", ", ports)} within {timeout.TotalSeconds:0} s. Output:{Environment.NewLine}{output}");
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task<bool> AcceptsConnectionAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, attempt.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>Three distinct free ports: all held open at once while we read them, so they differ.</summary>
    private static (int Blob, int Queue, int Table) FindFreePorts()
    {
        var listeners = Enumerable.Range(0, 3).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }
            var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
            return (ports[0], ports[1], ports[2]);
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }

    /// <summary>
    /// Runs <c>npm ci</c> unless the locked Azurite version is installed. Holds an exclusive lock file in
    /// .fieldsync/ for the check and the install, so concurrent test assemblies neither install twice
    /// nor start Azurite from a half-installed node_modules. (Not inside node_modules: npm ci deletes it.)
    /// </summary>
    private static async Task EnsureInstalledAsync(string repoRoot, CancellationToken cancellationToken)
    {
        var lockPath = Path.Combine(RepoRoot.StateDirectory(repoRoot), "npm-install.lock");
        await using var installLock = await AcquireExclusiveAsync(lockPath, InstallTimeout, cancellationToken);

        var wanted = ReadAzuriteVersion(Path.Combine(repoRoot, "package.json"), fromDevDependencies: true);
        var installed = ReadAzuriteVersion(Path.Combine(repoRoot, "node_modules", "azurite", "package.json"), fromDevDependencies: false);
        if (installed is not null && installed == wanted)
        {
            return;
        }

        var npm = OperatingSystem.IsWindows() ? "npm.cmd" : "npm";
        var start = new ProcessStartInfo(npm)
        {
            WorkingDirectory = repoRoot,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "ci", "--no-audit", "--no-fund" })
        {
            start.ArgumentList.Add(arg);
        }

        var output = new OutputTail();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException("npm is needed to install Azurite (npm ci). Install Node.js 20 or later, or set AzureWebJobsStorage to existing storage.", ex);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(InstallTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw new InvalidOperationException($"npm ci in {repoRoot} did not finish within {InstallTimeout.TotalMinutes:0} minutes or was cancelled. Output:{Environment.NewLine}{output}");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci in {repoRoot} failed with exit code {process.ExitCode}. Output:{Environment.NewLine}{output}");
        }
    }

    private static string? ReadAzuriteVersion(string packageJsonPath, bool fromDevDependencies)
    {
        if (!File.Exists(packageJsonPath))
        {
            return null;
        }
        using var document = JsonDocument.Parse(File.ReadAllText(packageJsonPath));
        var root = document.RootElement;
        if (fromDevDependencies)
        {
            return root.TryGetProperty("devDependencies", out var dev) && dev.TryGetProperty("azurite", out var pinned) ? pinned.GetString() : null;
        }
        return root.TryGetProperty("version", out var version) ? version.GetString() : null;
    }

    private static async Task<FileStream> AcquireExclusiveAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250, cancellationToken);
            }
        }
    }

    private sealed class AzuriteExitedException(string message) : InvalidOperationException(message);

    /// <summary>The last lines a child process printed (bounded, thread-safe), for error messages.</summary>
    private sealed class OutputTail
    {
        private const int MaxLines = 200;
        private readonly Queue<string> _lines = new();

        public void Add(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (_lines)
            {
                _lines.Enqueue(line);
                while (_lines.Count > MaxLines)
                {
                    _lines.Dequeue();
                }
            }
        }

        public override string ToString()
        {
            lock (_lines)
            {
                var text = new StringBuilder();
                foreach (var line in _lines)
                {
                    text.AppendLine(line);
                }
                return text.ToString();
            }
        }
    }
}
