namespace FieldSync.Storage;

/// <summary>
/// The tables FieldSync keeps, without the environment's <see cref="StorageOptions.TablePrefix"/>. Every store
/// names its tables from here, and the deployment template creates exactly these (a test compares them).
/// </summary>
public static class TableNames
{
    public const string Records = "records";
    public const string Feed = "feed";
    public const string Scopes = "scopes";
    public const string Holders = "holders";
    public const string Inbox = "inbox";
    public const string PushPending = "pushpending";
    public const string Profiles = "profiles";
    public const string Devices = "devices";
    public const string SyncErrors = "syncerrors";

    public static readonly IReadOnlyList<string> All = [Records, Feed, Scopes, Holders, Inbox, PushPending, Profiles, Devices, SyncErrors];
}
