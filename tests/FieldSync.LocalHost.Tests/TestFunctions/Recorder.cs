using System.Collections.Concurrent;

namespace FieldSync.LocalHost.Tests.TestFunctions;

/// <summary>What the test functions were called with; one per test host (a singleton in its services).</summary>
public sealed class Recorder
{
    private readonly ConcurrentQueue<(string Function, object? Payload)> _calls = new();

    public void Add(string function, object? payload) => _calls.Enqueue((function, payload));

    public IReadOnlyList<object?> Calls(string function) => _calls.Where(c => c.Function == function).Select(c => c.Payload).ToList();

    /// <summary>Waits until <paramref name="function"/> has been called at least <paramref name="count"/> times.</summary>
    public async Task<IReadOnlyList<object?>> WaitForAsync(string function, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var calls = Calls(function);
            if (calls.Count >= count)
            {
                return calls;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{function} was called {calls.Count} times, expected at least {count}.");
            }
            await Task.Delay(50);
        }
    }
}
