using FieldSync.Core.Profiles;
using static FieldSync.Core.Tests.Profiles.ProfileTestData;

namespace FieldSync.Core.Tests.Profiles;

public class DefaultProfileTests
{
    private static readonly OfflineProfile Profile = DefaultProfiles.FieldServiceMobile(Catalog);

    [Fact]
    public void FieldServiceMobile_Always_IsTheSeedsDefaultProfile()
    {
        Assert.Equal(DefaultProfiles.DefaultProfileId, Profile.Id);
        Assert.Equal("Field Service Mobile - Offline Profile", Profile.Name);
        // The seed: conflict detection "No" is the default.
        Assert.Equal(ProfileSettings.Default, Profile.Settings);
        Assert.False(Profile.Settings.ConflictDetection);
        Assert.False(Profile.Carries("contact"));
    }

    [Theory]
    [InlineData("bookableresourcebooking", DownloadMode.Filter, 5, 5, false, true, false, true)]
    [InlineData("workorder", DownloadMode.Related, 5, 5, false, true, false, true)]
    [InlineData("account", DownloadMode.Related, 60, 5, false, false, false, true)]
    [InlineData("customerasset", DownloadMode.Related, 60, 5, false, false, false, true)]
    [InlineData("workorderproduct", DownloadMode.Related, 15, 5, true, true, true, true)]
    [InlineData("workorderservicetask", DownloadMode.Related, 15, 5, true, true, true, true)]
    [InlineData("bookableresource", DownloadMode.Filter, 1440, 1440, false, false, false, true)]
    [InlineData("bookingstatus", DownloadMode.All, 1440, 1440, false, false, false, false)]
    [InlineData("workordertype", DownloadMode.All, 1440, 1440, false, false, false, false)]
    [InlineData("product", DownloadMode.All, 1440, 1440, false, false, false, false)]
    public void FieldServiceMobile_Table_HasItsPredeterminedRule(
        string table, DownloadMode download, int interval, int effective, bool create, bool update, bool delete, bool userScoped)
    {
        var rule = Profile.Tables[table];
        Assert.Equal(
            (download, TimeSpan.FromMinutes(interval), TimeSpan.FromMinutes(effective), create, update, delete, userScoped),
            (rule.Download, rule.SyncInterval, rule.EffectiveSyncInterval, rule.AllowCreate, rule.AllowUpdate, rule.AllowDelete, rule.IsUserScoped));
    }

    [Fact]
    public void FieldServiceMobile_Relationships_FollowTheAgenda()
    {
        string[] Texts(string table) => Profile.Tables[table].RelatedTo.Select(r => r.Text).ToArray();
        Assert.Equal("bookableresourcebooking.workorder", Listed(Texts("workorder")));
        Assert.Equal("workorder.serviceaccount, workorder.billingaccount", Listed(Texts("account")));
        Assert.Equal("workorder.customerasset", Listed(Texts("customerasset")));
        Assert.Equal("workorderproduct.workorder", Listed(Texts("workorderproduct")));
        Assert.Equal("workorderservicetask.workorder", Listed(Texts("workorderservicetask")));
        Assert.Equal("workorder", Listed(Profile.Tables["account"].DependsOn));
    }

    [Fact]
    public void FieldServiceMobile_DependencyOrder_PutsEveryTableAfterItsSources()
    {
        var order = Profile.TablesInDependencyOrder.Select(r => r.Table).ToList();
        Assert.Equal(Profile.Tables.Count, order.Count);
        foreach (var rule in Profile.TablesInDependencyOrder)
        {
            Assert.All(rule.DependsOn, source => Assert.True(order.IndexOf(source) < order.IndexOf(rule.Table), $"{rule.Table} before {source}"));
        }
    }

    [Fact]
    public void FieldServiceMobile_BookingFilter_SelectsMyOpenBookingsFromToday()
    {
        var filter = Profile.Tables["bookableresourcebooking"].Filter!;
        Assert.Equal(("resource", FilterParameter.CurrentResource), filter.ParameterEquality);
        Assert.True(filter.IsTimeRelative);
        Assert.True(filter.UsesUserParameters);

        var context = new FilterContext("tech1", "resource-tech1", Utc("2026-03-10T09:00:00Z"));
        FieldSync.Core.Records.Record Booking(string resource, string end, string status)
            => Row("bookableresourcebooking", "b", ("resource", resource), ("endtime", Utc(end)), ("bookingstatus", status));

        Assert.True(filter.Evaluate(Booking("resource-tech1", "2026-03-10T17:00:00Z", "bookingstatus-scheduled"), context));
        Assert.True(filter.Evaluate(Booking("resource-tech1", "2026-03-10T00:00:00Z", "bookingstatus-inprogress"), context));
        Assert.False(filter.Evaluate(Booking("resource-tech1", "2026-03-09T23:00:00Z", "bookingstatus-scheduled"), context));
        Assert.False(filter.Evaluate(Booking("resource-tech1", "2026-03-11T17:00:00Z", "bookingstatus-completed"), context));
        Assert.False(filter.Evaluate(Booking("resource-tech1", "2026-03-11T17:00:00Z", "bookingstatus-canceled"), context));
        Assert.False(filter.Evaluate(Booking("resource-tech2", "2026-03-11T17:00:00Z", "bookingstatus-scheduled"), context));
        Assert.False(filter.Evaluate(Booking("resource-tech1", "2026-03-11T17:00:00Z", "bookingstatus-scheduled"), context with { ResourceId = null }));
    }

    [Fact]
    public void FieldServiceMobile_MyResourceFilter_SelectsByUser()
    {
        var filter = Profile.Tables["bookableresource"].Filter!;
        Assert.Equal(("userid", FilterParameter.CurrentUser), filter.ParameterEquality);
        Assert.False(filter.IsTimeRelative);
    }

    /// <summary>The example in docs/profiles.md: a subset of the default profile with Wi-Fi-only and online mode switched on.</summary>
    [Fact]
    public void Parse_DocumentationExample_IsValidAndAgreesWithTheDefault()
    {
        var example = ProfileParser.Parse("""
            {
              "id": "field-service-mobile",
              "name": "Field Service Mobile - Offline Profile",
              "description": "optional text",
              "settings": {
                "conflictDetection": false,
                "allowWifiOnlySync": true,
                "allowOnlineMode": true,
                "largeSyncThreshold": 500,
                "largeSyncIdleHours": 72
              },
              "tables": {
                "bookableresourcebooking": {
                  "download": "filter",
                  "filter": "resource eq @currentResource and endtime ge @today and bookingstatus ne 'bookingstatus-completed' and bookingstatus ne 'bookingstatus-canceled'",
                  "syncIntervalMinutes": 5,
                  "allowCreate": false, "allowUpdate": true, "allowDelete": false
                },
                "workorder": { "download": "related", "relatedTo": ["bookableresourcebooking.workorder"], "syncIntervalMinutes": 5, "allowUpdate": true },
                "workorderproduct": { "download": "related", "relatedTo": ["workorderproduct.workorder"], "syncIntervalMinutes": 15, "allowCreate": true, "allowUpdate": true, "allowDelete": true },
                "product": { "download": "all", "syncIntervalMinutes": 1440 },
                "contact": { "download": "none" }
              }
            }
            """, Catalog);
        foreach (var (table, rule) in example.Tables)
        {
            var standard = Profile.Tables[table];
            Assert.Equal(
                (standard.Download, standard.Filter?.Text, standard.SyncInterval, standard.AllowCreate, standard.AllowUpdate, standard.AllowDelete),
                (rule.Download, rule.Filter?.Text, rule.SyncInterval, rule.AllowCreate, rule.AllowUpdate, rule.AllowDelete));
            Assert.Equal(standard.RelatedTo, rule.RelatedTo);
        }
    }
}
