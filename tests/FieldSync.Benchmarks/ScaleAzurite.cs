using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FieldSync.LocalHost.Azurite;

namespace FieldSync.Benchmarks;

/// <summary>
/// The scale benchmark's Azurite: the repository's Azurite (installed from its package lock), in memory, with the
/// same options as <see cref="AzuriteProcess"/>, plus <c>Azurite/azurite-scale-index.cjs</c> preloaded, which keeps
/// each table's entities indexed by partition and row key (see that file: stock Azurite takes time quadratic in a
/// table's size to insert and scans the whole table for every query, which a 1,000-technician fleet cannot afford).
/// What the storage answers, and so every count, is the same either way; <c>--scale-stock-azurite</c> runs on stock
/// Azurite (<see cref="AzuriteProcess"/>), <c>--scale-verify-azurite</c> checks every query against a full scan.
/// </summary>
internal sealed class ScaleAzurite : IAsyncDisposable
{
    private readonly Process? process;
    private readonly AzuriteProcess? stock;
    private readonly List<string> output = [];

    private ScaleAzurite(Process? process, AzuriteProcess? stock, string connectionString)
    {
        this.process = process;
        this.stock = stock;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<ScaleAzurite> StartAsync(bool indexed, bool verify, CancellationToken cancellationToken)
    {
        if (!indexed)
        {
            var azurite = await AzuriteProcess.StartAsync(cancellationToken: cancellationToken);
            return new ScaleAzurite(null, azurite, azurite.ConnectionString);
        }
        var repoRoot = RepoRoot.Find();
        var entry = Path.Combine(repoRoot, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(entry))
        {
            // AzuriteProcess installs it (npm ci from the package lock) on first use.
            await (await AzuriteProcess.StartAsync(repoRoot, cancellationToken: cancellationToken)).DisposeAsync();
        }
        var exitWithParent = Path.Combine(AppContext.BaseDirectory, "Azurite", "exit-with-parent.cjs");
        var index = Path.Combine(AppContext.BaseDirectory, "Azurite", "azurite-scale-index.cjs");
        var ports = FreePorts(3);
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepoRoot.StateDirectory(repoRoot),
            UseShellExecute = false,
            RedirectStandardInput = true, // exit-with-parent.cjs ends Azurite when this pipe closes
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["AZURITE_SCALE_INDEX_PATHS"] = repoRoot;
        start.Environment["AZURITE_SCALE_INDEX_VERIFY"] = verify ? "1" : "0";
        foreach (var arg in new[]
        {
            "-r", exitWithParent, "-r", index, entry,
            "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--blobPort", ports[0].ToString(CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", ports[1].ToString(CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", ports[2].ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(arg);
        }
        var node = new Process { StartInfo = start };
        var result = new ScaleAzurite(node, null,
            $"DefaultEndpointsProtocol=http;AccountName={AzuriteProcess.AccountName};AccountKey={AzuriteProcess.AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{ports[0]}/{AzuriteProcess.AccountName};" +
            $"QueueEndpoint=http://127.0.0.1:{ports[1]}/{AzuriteProcess.AccountName};" +
            $"TableEndpoint=http://127.0.0.1:{ports[2]}/{AzuriteProcess.AccountName};");
        node.OutputDataReceived += (_, e) => result.Add(e.Data);
        node.ErrorDataReceived += (_, e) => result.Add(e.Data);
        node.Start();
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        foreach (var port in ports)
        {
            while (!await AcceptsAsync(port, cancellationToken))
            {
                if (node.HasExited || DateTime.UtcNow > deadline)
                {
                    var why = node.HasExited ? $"exited with code {node.ExitCode}" : "did not listen within 60 s";
                    await result.DisposeAsync();
                    throw new InvalidOperationException($"Azurite {why}. Output:{Environment.NewLine}{result.RecentOutput}");
                }
                await Task.Delay(100, cancellationToken);
            }
        }
        return result;
    }

    /// <summary>Azurite's last lines of output (the index script reports a verification failure there).</summary>
    public string RecentOutput
    {
        get
        {
            lock (output)
            {
                return string.Join(Environment.NewLine, output);
            }
        }
    }

    /// <summary>Whether the Azurite process has ended (a verification failure ends it).</summary>
    public bool HasExited => process?.HasExited ?? false;

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.Add(line);
            if (output.Count > 50)
            {
                output.RemoveAt(0);
            }
        }
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }

    private static async Task<bool> AcceptsAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (stock is not null)
        {
            await stock.DisposeAsync();
        }
        if (process is not null)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
                }
            }
            catch (InvalidOperationException)
            {
            }
            catch (TimeoutException)
            {
            }
            process.Dispose();
        }
    }
}
