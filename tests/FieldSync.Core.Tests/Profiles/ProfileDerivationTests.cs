using FieldSync.Core.Profiles;
using static FieldSync.Core.Tests.Profiles.ProfileTestData;

namespace FieldSync.Core.Tests.Profiles;

public class ProfileDerivationTests
{
    private static OfflineProfile Parse(string tables) => ProfileParser.Parse(Profile(tables), Catalog);

    [Fact]
    public void EffectiveSyncInterval_Chain_TakesTheShortestUpstream()
    {
        var profile = Parse("""
            "bookableresourcebooking": { "download": "filter", "filter": "resource eq @currentResource", "syncIntervalMinutes": 5 },
            "workorder": { "download": "related", "relatedTo": ["bookableresourcebooking.workorder"], "syncIntervalMinutes": 60 },
            "account": { "download": "related", "relatedTo": ["workorder.serviceaccount"], "syncIntervalMinutes": 1440 }
            """);
        // (own, effective) minutes for booking → work order → account.
        Assert.Equal("(5, 5), (60, 5), (1440, 5)", Listed(profile.TablesInDependencyOrder
            .Select(r => ((int)r.SyncInterval.TotalMinutes, (int)r.EffectiveSyncInterval.TotalMinutes))));
        Assert.Equal("bookableresourcebooking, workorder, account", Listed(profile.TablesInDependencyOrder.Select(r => r.Table)));
    }

    [Fact]
    public void EffectiveSyncInterval_OwnShorter_KeepsOwnAndLeavesUpstreamAlone()
    {
        var profile = Parse("""
            "bookableresourcebooking": { "download": "filter", "filter": "resource eq @currentResource", "syncIntervalMinutes": 60 },
            "workorder": { "download": "related", "relatedTo": ["bookableresourcebooking.workorder"], "syncIntervalMinutes": 5 }
            """);
        Assert.Equal(TimeSpan.FromMinutes(60), profile.Tables["bookableresourcebooking"].EffectiveSyncInterval);
        Assert.Equal(TimeSpan.FromMinutes(5), profile.Tables["workorder"].EffectiveSyncInterval);
    }

    [Fact]
    public void EffectiveSyncInterval_SeveralSources_TakesTheShortest()
    {
        var profile = Parse("""
            "workorder": { "download": "filter", "filter": "priority eq 4", "syncIntervalMinutes": 30 },
            "product": { "download": "all", "syncIntervalMinutes": 1440 },
            "workorderproduct": { "download": "related", "relatedTo": ["workorderproduct.product", "workorderproduct.workorder"], "syncIntervalMinutes": 240 }
            """);
        Assert.Equal(TimeSpan.FromMinutes(30), profile.Tables["workorderproduct"].EffectiveSyncInterval);
        Assert.Equal(TimeSpan.FromMinutes(1440), profile.Tables["product"].EffectiveSyncInterval);
        Assert.Equal("product, workorder", Listed(profile.Tables["workorderproduct"].DependsOn));
    }

    [Fact]
    public void IsUserScoped_FollowsParametersThroughRelationships()
    {
        var profile = Parse("""
            "bookableresourcebooking": { "download": "filter", "filter": "resource eq @currentResource", "syncIntervalMinutes": 5 },
            "workorder": { "download": "related", "relatedTo": ["bookableresourcebooking.workorder"], "syncIntervalMinutes": 5 },
            "account": { "download": "related", "relatedTo": ["workorder.serviceaccount"], "syncIntervalMinutes": 60 },
            "bookingstatus": { "download": "filter", "filter": "status eq 2", "syncIntervalMinutes": 1440 },
            "product": { "download": "all", "syncIntervalMinutes": 1440 },
            "customerasset": { "download": "related", "relatedTo": ["customerasset.product"], "syncIntervalMinutes": 60 },
            "bookableresource": { "download": "filter", "filter": "userid eq @currentUser", "syncIntervalMinutes": 1440 },
            "workordertype": { "download": "filter", "filter": "name ne null", "syncIntervalMinutes": 1440 }
            """);
        Assert.Equal("bookableresourcebooking, workorder, account, bookableresource",
            Listed(profile.TablesInDependencyOrder.Where(r => r.IsUserScoped).Select(r => r.Table)));
        Assert.Equal("bookingstatus, product, customerasset, workordertype",
            Listed(profile.TablesInDependencyOrder.Where(r => !r.IsUserScoped).Select(r => r.Table)));
    }

    [Fact]
    public void IsUserScoped_ExtraFilterWithUserParameter_ScopesARelatedTable()
    {
        var profile = Parse("""
            "product": { "download": "all", "syncIntervalMinutes": 1440 },
            "customerasset": { "download": "related", "relatedTo": ["customerasset.product"], "filter": "name eq @currentUser", "syncIntervalMinutes": 60 }
            """);
        Assert.True(profile.Tables["customerasset"].IsUserScoped);
        Assert.False(profile.Tables["product"].IsUserScoped);
    }

    [Fact]
    public void TablesInDependencyOrder_ListedBeforeTheirSources_AreMovedAfterThem()
    {
        var profile = Parse("""
            "account": { "download": "related", "relatedTo": ["workorder.serviceaccount"], "syncIntervalMinutes": 60 },
            "product": { "download": "all", "syncIntervalMinutes": 1440 },
            "workorder": { "download": "related", "relatedTo": ["bookableresourcebooking.workorder"], "syncIntervalMinutes": 5 },
            "bookableresourcebooking": { "download": "filter", "filter": "resource eq @currentResource", "syncIntervalMinutes": 5 }
            """);
        Assert.Equal("product, bookableresourcebooking, workorder, account", Listed(profile.TablesInDependencyOrder.Select(r => r.Table)));
        // Tables keeps the document's order and content.
        Assert.Equal("account, product, workorder, bookableresourcebooking", Listed(profile.Tables.Keys));
    }

    [Fact]
    public void Relationships_BothDirections_AreResolved()
    {
        var profile = Parse("""
            "bookableresourcebooking": { "download": "filter", "filter": "resource eq @currentResource", "syncIntervalMinutes": 5 },
            "workorder": { "download": "related", "relatedTo": ["bookableresourcebooking.workorder"], "syncIntervalMinutes": 5 },
            "workorderproduct": { "download": "related", "relatedTo": ["workorderproduct.workorder"], "syncIntervalMinutes": 15 }
            """);
        var parent = Assert.Single(profile.Tables["workorder"].RelatedTo);
        Assert.Equal(new Relationship("workorder", "bookableresourcebooking", "workorder", RelationshipDirection.ReferencedBy), parent);
        Assert.Equal(("bookableresourcebooking", "workorder", "bookableresourcebooking.workorder"), (parent.ColumnTable, parent.TargetTable, parent.Text));

        var child = Assert.Single(profile.Tables["workorderproduct"].RelatedTo);
        Assert.Equal(new Relationship("workorderproduct", "workorder", "workorder", RelationshipDirection.References), child);
        Assert.Equal(("workorderproduct", "workorder", "workorderproduct.workorder"), (child.ColumnTable, child.TargetTable, child.Text));
    }

    [Fact]
    public void FollowFrom_ReferencedBy_GivesThisTablesIdFromTheOtherRow()
    {
        var relationship = new Relationship("workorder", "bookableresourcebooking", "workorder", RelationshipDirection.ReferencedBy);
        Assert.Equal("wo-1", relationship.FollowFrom(Row("bookableresourcebooking", "b-1", ("workorder", "wo-1"))));
        Assert.Null(relationship.FollowFrom(Row("bookableresourcebooking", "b-2")));
        Assert.Throws<ArgumentException>(() => relationship.FollowFrom(Row("workorder", "wo-1")));
    }

    [Fact]
    public void FollowFrom_References_GivesTheOtherTablesIdFromThisRow()
    {
        var relationship = new Relationship("workorderproduct", "workorder", "workorder", RelationshipDirection.References);
        Assert.Equal("wo-1", relationship.FollowFrom(Row("workorderproduct", "wop-1", ("workorder", "wo-1"))));
        Assert.Throws<ArgumentException>(() => relationship.FollowFrom(Row("workorder", "wo-1")));
    }

    [Fact]
    public void Parse_RelatedWithExtraFilter_KeepsBoth()
    {
        var rule = Parse(Bookings + """
            , "workorder": { "download": "related", "relatedTo": ["bookableresourcebooking.workorder"], "filter": "systemstatus ne 690970005", "syncIntervalMinutes": 5 }
            """).Tables["workorder"];
        Assert.Equal(DownloadMode.Related, rule.Download);
        Assert.Equal("systemstatus ne 690970005", rule.Filter!.Text);
        Assert.Single(rule.RelatedTo);
    }

    [Fact]
    public void Parse_Omissions_TakeDefaults()
    {
        var profile = Parse("""
            "product": { "download": "all", "syncIntervalMinutes": 1440 },
            "contact": { "download": "none" }
            """);
        Assert.Equal(ProfileSettings.Default, profile.Settings);
        Assert.Null(profile.Description);
        Assert.False(profile.Carries("contact"));
        Assert.False(profile.Carries("account"));
        var product = Assert.Single(profile.Tables.Values);
        Assert.Equal((false, false, false), (product.AllowCreate, product.AllowUpdate, product.AllowDelete));
        Assert.Null(product.Filter);
        Assert.Empty(product.RelatedTo);
        Assert.Empty(product.DependsOn);
        Assert.False(product.IsUserScoped);
    }

    [Fact]
    public void Parse_CommentsAndTrailingCommas_AreAccepted()
    {
        var profile = ProfileParser.Parse("""
            {
              // Line comments are skipped; $comment properties are allowed and dropped.
              "$comment": "why this profile exists",
              "id": "p", "name": "P",
              "settings": { "$comment": "why", "allowWifiOnlySync": true, },
              "tables": { "product": { "$comment": "daily", "download": "all", "syncIntervalMinutes": 1440, }, },
            }
            """, Catalog);
        Assert.True(profile.Settings.AllowWifiOnlySync);
    }

    [Fact]
    public void ToJson_Reparsed_GivesAnEquivalentProfile()
    {
        var original = DefaultProfiles.FieldServiceMobile(Catalog);
        var json = original.ToJson();
        var copy = ProfileParser.Parse(json, Catalog);

        Assert.Equal(json, copy.ToJson());
        Assert.Equal((original.Id, original.Name, original.Description, original.Settings), (copy.Id, copy.Name, copy.Description, copy.Settings));
        Assert.Equal(original.Tables.Keys, copy.Tables.Keys);
        Assert.Equal(original.TablesInDependencyOrder.Select(r => r.Table), copy.TablesInDependencyOrder.Select(r => r.Table));
        foreach (var (table, rule) in original.Tables)
        {
            var other = copy.Tables[table];
            Assert.Equal(
                (rule.Download, rule.Filter?.Text, rule.SyncInterval, rule.EffectiveSyncInterval, rule.AllowCreate, rule.AllowUpdate, rule.AllowDelete, rule.IsUserScoped),
                (other.Download, other.Filter?.Text, other.SyncInterval, other.EffectiveSyncInterval, other.AllowCreate, other.AllowUpdate, other.AllowDelete, other.IsUserScoped));
            Assert.Equal(rule.RelatedTo, other.RelatedTo);
        }
    }

    [Fact]
    public void ToJson_Always_WritesEveryPropertyAndKeepsQuotesReadable()
    {
        var json = Parse(Bookings + """
            , "product": { "download": "all", "syncIntervalMinutes": 1440 }, "contact": { "download": "none" }
            """).ToJson();
        Assert.Contains("\"allowWifiOnlySync\": false", json, StringComparison.Ordinal);
        Assert.Contains("\"largeSyncIdleHours\": 72", json, StringComparison.Ordinal);
        Assert.Contains("\"allowDelete\": false", json, StringComparison.Ordinal);
        Assert.Contains("\"filter\": \"resource eq @currentResource\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("contact", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u0027", Parse("""
            "product": { "download": "filter", "filter": "name ne 'x'", "syncIntervalMinutes": 1440 }
            """).ToJson(), StringComparison.Ordinal);
    }
}
