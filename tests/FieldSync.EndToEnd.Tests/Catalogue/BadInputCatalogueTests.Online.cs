using FieldSync.Core.Security;

namespace FieldSync.EndToEnd.Tests.Catalogue;

public partial class BadInputCatalogueTests
{
    /// <summary>Online mode's reads: tokens, hostile table names and ids, and query strings; the default profile refuses online mode (403).</summary>
    private void BuildOnline()
    {
        var workOrder = setupRecords["workorder"];
        AddAuthCases("QueryOnline", HttpMethod.Get, "api/online/workorder", null, [Roles.Technician]);
        AddRouteCases("QueryOnline", HttpMethod.Get, "api/online/{table}", "table", techToken, null);
        AddQueryCases("QueryOnline", "api/online/workorder", techToken,
            JunkQueries.Concat(["$filter=name eq", "$filter=nosuch eq 1", "$top=0", "$top=-1", "$top=abc", "$orderby=name", "$orderby=id desc",
                "$select=nosuch", "continuation=garbage", "$filter=" + new string('(', 5000), "$top=1&$top=2", "$filter=%ED%A0%80"]));
        cases.Add(new HostileCase("QueryOnline", "profile without online mode", HttpMethod.Get, "api/online/workorder", Expectation.Problem)
        {
            Authorization = Bearer(techToken),
            Status = 403,
        });

        AddAuthCases("ReadOnline", HttpMethod.Get, $"api/online/workorder/{workOrder}", null, [Roles.Technician]);
        AddRouteCases("ReadOnline", HttpMethod.Get, $"api/online/{{table}}/{workOrder}", "table", techToken, null);
        AddRouteCases("ReadOnline", HttpMethod.Get, "api/online/workorder/{id}", "id", techToken, null);
        AddQueryCases("ReadOnline", $"api/online/workorder/{workOrder}", techToken, JunkQueries.Concat(["$select=nosuch", "$filter=id eq 'x'"]));
        cases.Add(new HostileCase("ReadOnline", "wrong method DELETE", HttpMethod.Delete, $"api/online/workorder/{workOrder}", Expectation.Problem)
        {
            Authorization = Bearer(adminToken),
            Status = 404,
        });
    }
}
