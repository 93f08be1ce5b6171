using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace FieldSync.Infra.Tests;

/// <summary>
/// The function app's app settings as infra/main.bicepparam deploys them, with concrete values: what the app would
/// read from its environment in Azure. Names and parameter-derived values come from <c>bicep snapshot</c>; values that
/// exist only once Azure has created the resources (the snapshot leaves them as ARM expressions) are replaced by the
/// realistic stand-ins below, so the result can be bound into the app's configuration as it is.
/// </summary>
public static partial class TemplateAppSettings
{
    /// <summary>
    /// Stand-in for the user-assigned identity's client id (<c>reference(identity).clientId</c>): a GUID, as Azure
    /// assigns one when the identity is created.
    /// </summary>
    public const string StandInIdentityClientId = "00000000-0000-0000-0000-0000000000e5";

    /// <summary>
    /// Stand-in for the cloud's sign-in authority (<c>environment().authentication.loginEndpoint</c>, which the snapshot
    /// does not evaluate): the value in the public cloud, with its trailing slash.
    /// </summary>
    public const string StandInLoginEndpoint = "https://login.microsoftonline.com/";

    /// <summary>Settings for infra/main.bicepparam (Entra mode, every default).</summary>
    public static IReadOnlyDictionary<string, string> Load() => Resolve(InfraTemplate.Instance.Defaults);

    /// <summary>Settings for the variant parameter file (<see cref="InfraTemplate.VariantParamFile"/>: EasyAuth and other non-defaults).</summary>
    public static IReadOnlyDictionary<string, string> LoadVariant() => Resolve(InfraTemplate.Instance.Variant);

    public static IReadOnlyDictionary<string, string> Resolve(Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var storage = deployment.Single("Microsoft.Storage/storageAccounts");
        var identity = deployment.Single("Microsoft.ManagedIdentity/userAssignedIdentities");
        var appInsights = deployment.Single("Microsoft.Insights/components");
        var storageName = Deployment.Name(storage);
        var location = appInsights.GetProperty("location").GetString()!;

        // Each stand-in replaces one reference(...) shape, as an ARM string literal, before the expression is evaluated.
        var standIns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            // primaryEndpoints of the account: the public-cloud form Azure returns, trailing slash included.
            [$"{Deployment.Id(storage)}|primaryEndpoints.blob"] = $"https://{storageName}.blob.core.windows.net/",
            [$"{Deployment.Id(storage)}|primaryEndpoints.queue"] = $"https://{storageName}.queue.core.windows.net/",
            [$"{Deployment.Id(storage)}|primaryEndpoints.table"] = $"https://{storageName}.table.core.windows.net/",
            [$"{Deployment.Id(identity)}|clientId"] = StandInIdentityClientId,
            // The component's ConnectionString, in the shape Azure gives it for the deployment's region (all-zero ids).
            // The instrumentation key in it identifies the component; with DisableLocalAuth it authorizes nothing.
            [$"{Deployment.Id(appInsights)}|ConnectionString"] =
                $"InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://{location}-0.in.applicationinsights.azure.com/;LiveEndpoint=https://{location}.livediagnostics.monitor.azure.com/;ApplicationId=00000000-0000-0000-0000-000000000000",
        };

        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in deployment.RawAppSettings)
        {
            settings[name] = Evaluate(name, value, standIns);
        }
        return settings;
    }

    private static string Evaluate(string name, string value, Dictionary<string, string> standIns)
    {
        if (!IsExpression(value))
        {
            // "[[" escapes a literal that starts with "[".
            return value.StartsWith("[[", StringComparison.Ordinal) ? value[1..] : value;
        }
        var body = value[1..^1];
        body = ReferencePattern().Replace(body, match =>
        {
            var key = $"{match.Groups["id"].Value}|{match.Groups["property"].Value}";
            return standIns.TryGetValue(key, out var standIn)
                ? Quote(standIn)
                : throw Unresolved(name, value, $"no stand-in for reference to {key}");
        });
        body = body.Replace("environment().authentication.loginEndpoint", Quote(StandInLoginEndpoint), StringComparison.Ordinal);

        if (TryReadLiteral(body, 0, out var literal, out var end) && end == body.Length)
        {
            return literal;
        }
        if (body.StartsWith("format(", StringComparison.Ordinal) && body.EndsWith(')'))
        {
            var arguments = new List<string>();
            var position = "format(".Length;
            while (position < body.Length - 1)
            {
                if (!TryReadLiteral(body, position, out var argument, out position))
                {
                    throw Unresolved(name, value, "format() with an argument that is not a literal");
                }
                arguments.Add(argument);
                while (position < body.Length - 1 && (body[position] == ',' || body[position] == ' '))
                {
                    position++;
                }
            }
            return string.Format(CultureInfo.InvariantCulture, arguments[0], [.. arguments.Skip(1)]);
        }
        throw Unresolved(name, value, "an expression this helper does not evaluate");
    }

    public static bool IsExpression(string value) =>
        value.StartsWith('[') && value.EndsWith(']') && !value.StartsWith("[[", StringComparison.Ordinal);

    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>Reads an ARM string literal ('...' with '' for a quote) at <paramref name="start"/>.</summary>
    private static bool TryReadLiteral(string text, int start, out string literal, out int end)
    {
        literal = "";
        end = start;
        if (start >= text.Length || text[start] != '\'')
        {
            return false;
        }
        var builder = new StringBuilder();
        for (var i = start + 1; i < text.Length; i++)
        {
            if (text[i] != '\'')
            {
                builder.Append(text[i]);
            }
            else if (i + 1 < text.Length && text[i + 1] == '\'')
            {
                builder.Append('\'');
                i++;
            }
            else
            {
                literal = builder.ToString();
                end = i + 1;
                return true;
            }
        }
        return false;
    }

    private static InvalidOperationException Unresolved(string name, string value, string why) =>
        new($"App setting {name} = {value}: {why}. Add a stand-in to {nameof(TemplateAppSettings)} (and document it).");

    [GeneratedRegex(@"reference\('(?<id>[^']+)', '[^']+'\)\.(?<property>[A-Za-z0-9_.]+)")]
    private static partial Regex ReferencePattern();
}
