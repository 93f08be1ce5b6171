using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace FieldSync.EndToEnd.Tests;

internal static class Http
{
    public static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>Asserts an RFC 9457 problem answer of the given status and FieldSync problem type.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string slug)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal("urn:fieldsync:problem:" + slug, problem.GetProperty("type").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }

    public static HttpRequestMessage Patch(string url, string json, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, url) { Content = JsonBody(json) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return request;
    }

    public static HttpRequestMessage Delete(string url, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, url);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return request;
    }

    public static string? ETag(this HttpResponseMessage response)
        => response.Headers.ETag?.ToString() ?? (response.Headers.TryGetValues("ETag", out var v) ? v.First() : null);

    public static MediaTypeHeaderValue Json => new("application/json");
}
