using FieldSync.Core.Records;
using Microsoft.AspNetCore.Http;

namespace FieldSync.Functions.Http;

/// <summary>
/// The optional headers a device sends on pull and push so the device record shows what it runs: its app version and
/// platform. Each is one value of 1 to <see cref="MaxLength"/> printable ASCII characters; anything else is refused
/// as a validation problem, before anything is written.
/// </summary>
public static class DeviceHeaders
{
    public const string AppVersion = "X-FieldSync-App-Version";
    public const string Platform = "X-FieldSync-Platform";
    public const int MaxLength = 64;

    /// <summary>The two headers' values (null when not sent), or the problem answering a bad one.</summary>
    public static (string? AppVersion, string? Platform, JsonWriterResult? Failure) Read(HttpRequest request)
    {
        var errors = new List<FieldError>();
        var appVersion = One(request, AppVersion, errors);
        var platform = One(request, Platform, errors);
        return errors.Count == 0
            ? (appVersion, platform, null)
            : (null, null, ApiResults.BadRequest("validation", "Invalid device header", errors[0].Message, errors));
    }

    private static string? One(HttpRequest request, string name, List<FieldError> errors)
    {
        if (!request.Headers.TryGetValue(name, out var values))
        {
            return null;
        }
        if (values.Count != 1)
        {
            errors.Add(new FieldError(name, $"Send {name} once."));
            return null;
        }
        var value = values.ToString();
        if (value.Length is 0 or > MaxLength || value.Trim().Length != value.Length || !value.All(c => c is >= ' ' and <= '~'))
        {
            errors.Add(new FieldError(name, $"{name} must be 1 to {MaxLength} printable ASCII characters without leading or trailing spaces, e.g. 2.4.1 or iOS 18.2."));
            return null;
        }
        return value;
    }
}
