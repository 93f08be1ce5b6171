namespace FieldSync.Core.Security;

public static class Roles
{
    /// <summary>A field technician's device: sync (pull and push).</summary>
    public const string Technician = "technician";
    /// <summary>Dispatcher or back office: the records API.</summary>
    public const string Dispatcher = "dispatcher";
    /// <summary>Profiles, sync errors, devices; also the records API.</summary>
    public const string Admin = "admin";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Technician, Dispatcher, Admin };
}

/// <summary>An authenticated caller: who it is and the FieldSync roles it holds.</summary>
public sealed record Caller(string UserId, string? Name, IReadOnlySet<string> Roles)
{
    public bool IsInAnyRole(IEnumerable<string> roles) => roles.Any(Roles.Contains);
}
