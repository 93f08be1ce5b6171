namespace FieldSync.FleetSimulator;

/// <summary>A count that many devices add to at once.</summary>
internal sealed class FleetCounter
{
    private long value;

    public long Value => Interlocked.Read(ref value);

    public void Increment() => Interlocked.Increment(ref value);

    public void Add(long amount) => Interlocked.Add(ref value, amount);
}
