using System.Collections.Concurrent;
using FieldSync.Core.Profiles;
using FieldSync.Core.Records;
using FieldSync.Core.Sync;
using Microsoft.Extensions.DependencyInjection;

namespace FieldSync.FleetSimulator;

/// <summary>
/// The convergence check, independent of the change feed: for each device, the server's own
/// <see cref="ScopeEvaluator"/> evaluates the user's profile (filters, relationships, <c>@today</c>) against the records
/// as they are now, straight from the record store, the same definition of "what the device should hold" the feed is
/// diffed against; the device's rows per table (<c>LocalStore.ListAsync</c>) must equal it, id for id and version for
/// version, with nothing left unsent. The feed, the checkpoints and the bucket checksums play no part in the expected
/// side, so a feed that lost or kept an op shows up here.
/// </summary>
internal static class ConvergenceCheck
{
    private const int MaxSamples = 20;

    public static async Task<ConvergenceReport> RunAsync(IServiceProvider services, IReadOnlyList<SimulatedDevice> devices, CancellationToken cancellationToken)
    {
        var evaluator = services.GetRequiredService<ScopeEvaluator>();
        var profiles = services.GetRequiredService<IProfileStore>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var shared = new ConcurrentDictionary<string, Task<Dictionary<string, Dictionary<string, Record>>>>(StringComparer.Ordinal);
        var samples = new ConcurrentQueue<string>();
        var diverged = new ConcurrentQueue<string>();
        long converged = 0, expectedRows = 0, heldRows = 0, missing = 0, extra = 0, stale = 0, unsent = 0;

        await Parallel.ForEachAsync(devices, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (device, ct) =>
        {
            var user = device.Technician.User;
            var profileId = await profiles.GetAssignmentAsync(user, ct);
            var profile = await profiles.GetAsync(profileId, ct) ?? throw new InvalidOperationException($"Profile {profileId} of {user} not found.");
            var resource = await evaluator.FindResourceAsync(user, ct);
            var own = await evaluator.EvaluateAsync(profile, new FilterContext(user, resource, now), userScoped: true, ct);
            // Shared rows (all products...) are the same for every technician of a profile: evaluated once.
            var common = await shared.GetOrAdd(profileId, _ => evaluator.EvaluateAsync(profile, new FilterContext(string.Empty, null, now), userScoped: false, ct));
            var differences = 0;
            foreach (var rule in profile.Tables.Values.Where(r => r.Download != DownloadMode.None))
            {
                var expected = own.GetValueOrDefault(rule.Table) ?? common.GetValueOrDefault(rule.Table) ?? [];
                var held = (await device.Store.ListAsync(rule.Table, ct)).ToDictionary(r => r.Id, StringComparer.Ordinal);
                Interlocked.Add(ref expectedRows, expected.Count);
                Interlocked.Add(ref heldRows, held.Count);
                foreach (var (id, record) in expected)
                {
                    string problem;
                    if (!held.TryGetValue(id, out var row))
                    {
                        Interlocked.Increment(ref missing);
                        problem = "missing";
                    }
                    else if (row.Version != record.Version)
                    {
                        Interlocked.Increment(ref stale);
                        problem = $"stale (holds version {row.Version}, server {record.Version})";
                    }
                    else if (row.HasPendingChanges)
                    {
                        Interlocked.Increment(ref unsent);
                        problem = "unsent local changes";
                    }
                    else
                    {
                        continue;
                    }
                    differences++;
                    Sample($"{device.Technician.DeviceId} {rule.Table}/{id}: {problem}");
                }
                foreach (var id in held.Keys.Where(id => !expected.ContainsKey(id)))
                {
                    Interlocked.Increment(ref extra);
                    differences++;
                    Sample($"{device.Technician.DeviceId} {rule.Table}/{id}: extra (the profile does not select it{(held[id].HasPendingChanges ? "; unsent local change" : "")})");
                }
            }
            if (differences == 0)
            {
                Interlocked.Increment(ref converged);
            }
            else
            {
                diverged.Enqueue(device.Technician.DeviceId);
            }
        });
        return new ConvergenceReport(devices.Count, (int)converged, expectedRows, heldRows, missing, extra, stale, unsent, [.. samples], [.. diverged.Order(StringComparer.Ordinal)]);

        void Sample(string text)
        {
            if (samples.Count < MaxSamples)
            {
                samples.Enqueue(text);
            }
        }
    }
}
