using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Bazaar.Testing;

public static class HttpAssertions
{
    /// <summary>Asserts the status and that the body is RFC 9457 problem details with a trace id; returns the body.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} but got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.True(body.TryGetProperty("traceId", out _), "problem details carry a traceId");
        Assert.DoesNotContain("   at ", text); // never a stack trace
        return body;
    }

    /// <summary>Asserts a 400 problem whose errors name the field.</summary>
    public static async Task<JsonElement> ShouldNameFieldAsync(this HttpResponseMessage response, string field)
    {
        var body = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(body.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _),
            $"Expected errors to name '{field}': {body}");
        return body;
    }

    public static async Task<T> ShouldBeOkAsync<T>(this HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} but got {(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<T>(text, JsonSerializerOptions.Web)!;
    }

    public static Task<HttpResponseMessage> PostJsonAsync<T>(this HttpClient client, string url, T body) => client.PostAsJsonAsync(url, body);

    /// <summary>A POST made once per Idempotency-Key: <paramref name="key"/>, or a new one.</summary>
    public static Task<HttpResponseMessage> PostOnceAsync<T>(this HttpClient client, string url, T body, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Add(ServiceDefaults.Http.IdempotencyKey.Header, key ?? Guid.NewGuid().ToString());
        return client.SendAsync(request);
    }
}
