namespace FieldSync.Core.Security;

/// <summary>The Entra ID access-token claims FieldSync reads.</summary>
public static class EntraClaims
{
    /// <summary>The caller's object id: stable for a user (or an app) across every app of the tenant, unlike <c>sub</c>.</summary>
    public const string ObjectId = "oid";

    /// <summary>The tenant that issued the token.</summary>
    public const string TenantId = "tid";

    /// <summary>App roles assigned to the user (or granted to the calling app) on the API's app registration.</summary>
    public const string Roles = "roles";

    public const string Name = "name";

    public const string PreferredUserName = "preferred_username";
}
