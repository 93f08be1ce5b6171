using System.Text.Json;
using System.Text.RegularExpressions;

namespace FieldSync.Infra.Tests;

/// <summary>No key, shared access signature or secret-bearing connection string is read, written or output.</summary>
public class SecretsTests
{
    private static InfraTemplate Infra => InfraTemplate.Instance;

    /// <summary>Everything the CLI produced: the compiled template, the parameters and both snapshots.</summary>
    public static TheoryData<string> Artifacts() => ["template", "parameters", "snapshot", "variant snapshot"];

    private static string Text(string artifact) => artifact switch
    {
        "template" => Infra.Build.StandardOutput,
        "parameters" => Infra.BuildParams.StandardOutput,
        "snapshot" => Infra.Defaults.Snapshot.GetRawText(),
        "variant snapshot" => Infra.Variant.Snapshot.GetRawText(),
        _ => throw new ArgumentOutOfRangeException(nameof(artifact)),
    };

    [Theory]
    [MemberData(nameof(Artifacts))]
    public void Artifact_ListFunctions_AreNeverCalled(string artifact)
    {
        // listKeys, listAccountSas, listSecrets... are how a template reads secrets.
        var calls = Regex.Matches(Text(artifact), @"\blist[a-z]*\s*\(", RegexOptions.IgnoreCase);
        Assert.True(calls.Count == 0, $"{artifact} calls {string.Join(", ", calls.Select(m => m.Value))}");
    }

    [Theory]
    [MemberData(nameof(Artifacts))]
    public void Artifact_SecretMarkers_AreAbsent(string artifact)
    {
        string[] markers =
        [
            "AccountKey", "InstrumentationKey", "APPINSIGHTS_INSTRUMENTATIONKEY", "SharedAccessSignature",
            "SharedAccessKey", "DefaultEndpointsProtocol", "sig=", "primaryKey", "secondaryKey",
        ];
        var text = Text(artifact);
        var found = markers.Where(m => text.Contains(m, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(found.Count == 0, $"{artifact} contains {string.Join(", ", found)}");
    }

    [Fact]
    public void Template_Parameters_HoldNoSecrets()
    {
        // Nothing secret is an input either: there is no key or password to pass in.
        foreach (var parameter in Infra.Template.GetProperty("parameters").EnumerateObject())
        {
            var type = parameter.Value.GetProperty("type").GetString();
            Assert.False(type is "securestring" or "secureObject" or "secureString", $"{parameter.Name} is {type}");
        }
    }

    [Fact]
    public void Outputs_AreTheNonSecretNames()
    {
        var outputs = Infra.Template.GetProperty("outputs").EnumerateObject().ToList();
        Assert.Equal(
            ["appInsightsName", "functionAppHostName", "functionAppName", "identityClientId", "storageAccountName"],
            outputs.Select(o => o.Name).Order(StringComparer.Ordinal));
        foreach (var output in outputs)
        {
            Assert.Equal("string", output.Value.GetProperty("type").GetString());
            Assert.DoesNotMatch(new Regex("key|secret|password|connection|token|sas|credential", RegexOptions.IgnoreCase), output.Name);
        }
    }

    [Fact]
    public void Outputs_Values_LookLikeNamesAndIds()
    {
        foreach (var deployment in new[] { Infra.Defaults, Infra.Variant })
        {
            foreach (var output in deployment.Outputs.EnumerateObject())
            {
                var value = output.Value.ValueKind == JsonValueKind.String ? output.Value.GetString()! : output.Value.GetRawText();
                Assert.DoesNotContain("ConnectionString", value, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("Key", value, StringComparison.Ordinal);
                if (!TemplateAppSettings.IsExpression(value))
                {
                    // Evaluated outputs are resource names: nothing but letters, digits and dashes.
                    Assert.Matches("^[a-z0-9-]+$", value);
                }
                else
                {
                    // Unevaluated ones read the host name or client id of a resource, nothing else.
                    Assert.Matches(@"\)\.(defaultHostName|clientId)\]$", value);
                }
            }
        }
    }
}
