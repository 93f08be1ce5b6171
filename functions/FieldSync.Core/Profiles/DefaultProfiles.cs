using FieldSync.Core.Schema;

namespace FieldSync.Core.Profiles;

/// <summary>The profiles that ship with FieldSync.</summary>
public static class DefaultProfiles
{
    /// <summary>The id of "Field Service Mobile - Offline Profile", the profile a user gets when none is assigned.</summary>
    public const string DefaultProfileId = "field-service-mobile";

    public const string FieldServiceMobileResourceName = "FieldSync.Core.Profiles.field-service-mobile.profile.json";

    /// <summary>The JSON of "Field Service Mobile - Offline Profile", as embedded in this assembly.</summary>
    public static string FieldServiceMobileJson()
    {
        using var stream = typeof(DefaultProfiles).Assembly.GetManifestResourceStream(FieldServiceMobileResourceName)
            ?? throw new InvalidOperationException($"Embedded profile '{FieldServiceMobileResourceName}' is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// "Field Service Mobile - Offline Profile", validated against <paramref name="schema"/>. It throws
    /// <see cref="ProfileValidationException"/> if the schema lost a table or column the profile uses, so a schema
    /// change that breaks the default profile fails at start-up, not on a device.
    /// </summary>
    public static OfflineProfile FieldServiceMobile(SchemaCatalog schema) => ProfileParser.Parse(FieldServiceMobileJson(), schema);
}
