using System.Text.Json;

namespace FieldSync.EndToEnd.Tests;

/// <summary>The API reference (docs/openapi.json) must describe every HTTP function the app has.</summary>
public class OpenApiTests
{
    private static JsonElement Load(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FieldSync.Functions.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("repository root not found");
    }

    [Fact]
    public void OpenApi_EveryHttpFunction_IsDocumentedWithItsOperationId()
    {
        var openApi = Load(Path.Combine(RepoRoot(), "docs", "openapi.json"));
        var paths = openApi.GetProperty("paths");
        var metadata = Load(Path.Combine(AppContext.BaseDirectory, "functions.metadata"));
        var checkedCount = 0;
        foreach (var function in metadata.EnumerateArray())
        {
            var name = function.GetProperty("name").GetString()!;
            foreach (var binding in function.GetProperty("bindings").EnumerateArray())
            {
                if (binding.GetProperty("type").GetString() != "httpTrigger")
                {
                    continue;
                }
                var path = "/api/" + binding.GetProperty("route").GetString();
                Assert.True(paths.TryGetProperty(path, out var item), $"{name}: {path} is not in docs/openapi.json");
                foreach (var method in binding.GetProperty("methods").EnumerateArray())
                {
                    Assert.True(item.TryGetProperty(method.GetString()!.ToLowerInvariant(), out var operation), $"{name}: {method} {path} is not documented");
                    Assert.Equal(name, operation.GetProperty("operationId").GetString());
                    checkedCount++;
                }
            }
        }
        Assert.True(checkedCount >= 7, $"only {checkedCount} HTTP operations found in functions.metadata");
    }
}
