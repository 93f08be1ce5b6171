using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace FieldSync.LocalHost.Hosting;

/// <summary>Resolves <c>%Name%</c> placeholders in binding values from configuration, as the Functions host does.</summary>
internal static partial class SettingNames
{
    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex Placeholder();

    /// <exception cref="InvalidOperationException">A named setting is missing: the real host refuses to start too.</exception>
    public static string Resolve(string value, IConfiguration configuration, string functionName, string what)
        => Placeholder().Replace(value, match =>
        {
            var name = match.Groups[1].Value;
            return configuration[name] is { Length: > 0 } resolved
                ? resolved
                : throw new InvalidOperationException($"Function '{functionName}': {what} '{value}' names setting '{name}', which is not configured.");
        });
}
