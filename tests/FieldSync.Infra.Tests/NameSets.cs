namespace FieldSync.Infra.Tests;

/// <summary>How the names a template creates differ from the names the code needs.</summary>
public sealed record NameDifference(IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected)
{
    public bool IsEmpty => Missing.Count == 0 && Unexpected.Count == 0;

    public string Describe(string kind) =>
        IsEmpty
            ? $"the template creates exactly the {kind} the code uses"
            : $"{kind} the code uses but the template does not create: [{string.Join(", ", Missing)}]; " +
              $"{kind} the template creates but the code does not use: [{string.Join(", ", Unexpected)}]";
}

public static class NameSets
{
    /// <summary>Compares, ordinally, the names the code uses with the names the template creates.</summary>
    public static NameDifference Compare(IEnumerable<string> used, IEnumerable<string> created)
    {
        var usedSet = used.ToHashSet(StringComparer.Ordinal);
        var createdSet = created.ToHashSet(StringComparer.Ordinal);
        return new NameDifference(
            [.. usedSet.Except(createdSet).Order(StringComparer.Ordinal)],
            [.. createdSet.Except(usedSet).Order(StringComparer.Ordinal)]);
    }
}
