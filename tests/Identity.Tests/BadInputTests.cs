using System.Net;
using System.Text;
using Bazaar.Testing;

namespace Bazaar.Identity.Tests;

public sealed class BadInputTests(IdentityFactory factory) : IdentityTest(factory)
{
    static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("/api/v1/auth/register")]
    [InlineData("/api/v1/auth/login")]
    [InlineData("/api/v1/auth/password/forgot")]
    [InlineData("/api/v1/auth/password/reset")]
    public async Task Malformed_json_is_a_400_problem(string path)
    {
        var body = await (await Client.PostAsync(path, Json("{\"email\": \"a@b.co\", "))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        body.GetProperty("title").GetString().ShouldBe("The request body is not valid JSON");
    }

    [Theory]
    [InlineData("""{"password": "Correct-Horse-7", "displayName": "A"}""", "email")]
    [InlineData("""{"email": "a@b.co", "displayName": "A"}""", "password")]
    [InlineData("""{"email": "a@b.co", "password": "Correct-Horse-7"}""", "displayName")]
    [InlineData("""{"email": "not-an-address", "password": "Correct-Horse-7", "displayName": "A"}""", "email")]
    [InlineData("""{"email": "a@b", "password": "Correct-Horse-7", "displayName": "A"}""", "email")]
    [InlineData("""{"email": "a b@c.co", "password": "Correct-Horse-7", "displayName": "A"}""", "email")]
    [InlineData("""{"email": "jose\u0301@c.co", "password": "Correct-Horse-7", "displayName": "A"}""", "email")] // e + combining accent
    [InlineData("""{"email": "admin\u200b@c.co", "password": "Correct-Horse-7", "displayName": "A"}""", "email")] // zero-width space
    [InlineData("""{"email": "\u212aate@c.co", "password": "Correct-Horse-7", "displayName": "A"}""", "email")] // Kelvin sign, lower-cases to k
    [InlineData("""{"email": "a@b.co", "password": "short", "displayName": "A"}""", "password")]
    [InlineData("""{"email": "a@b.co", "password": "password1234", "displayName": "A"}""", "password")]
    [InlineData("""{"email": "a@b.co", "password": "A@B.CO", "displayName": "A"}""", "password")]
    [InlineData("""{"email": "a@b.co", "password": "Correct-Horse-7", "displayName": "   "}""", "displayName")]
    [InlineData("""{"email": 12, "password": "Correct-Horse-7", "displayName": "A"}""", "email")]
    public async Task Registration_names_the_bad_field(string json, string field)
    {
        await (await Client.PostAsync("/api/v1/auth/register", Json(json))).ShouldNameFieldAsync(field);
    }

    [Fact]
    public async Task Overlong_fields_are_refused_by_name()
    {
        var longEmail = new string('a', 250) + "@example.com";
        await (await Client.PostAsync("/api/v1/auth/register", Json($$"""{"email": "{{longEmail}}", "password": "Correct-Horse-7", "displayName": "A"}"""))).ShouldNameFieldAsync("email");
        await (await Client.PostAsync("/api/v1/auth/register", Json($$"""{"email": "a@b.co", "password": "{{new string('p', 129)}}", "displayName": "A"}"""))).ShouldNameFieldAsync("password");
        await (await Client.PostAsync("/api/v1/auth/register", Json($$"""{"email": "a@b.co", "password": "Correct-Horse-7", "displayName": "{{new string('n', 101)}}"}"""))).ShouldNameFieldAsync("displayName");
        await (await Client.PostAsync("/api/v1/auth/login", Json($$"""{"email": "a@b.co", "password": "{{new string('p', 500)}}"}"""))).ShouldNameFieldAsync("password");
    }

    [Fact]
    public async Task A_body_of_the_wrong_type_is_a_415_problem()
    {
        await (await Client.PostAsync("/api/v1/auth/register", new StringContent("email=a@b.co", Encoding.UTF8, "text/plain"))).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Unknown_and_malformed_ids_are_404_problems_not_500()
    {
        var admin = await Factory.TokenWithRolesAsync(Client, "admin");
        await (await Client.SendAsync(WithToken(HttpMethod.Get, $"/api/v1/admin/users/{Guid.NewGuid()}", admin))).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await Client.SendAsync(WithToken(HttpMethod.Get, "/api/v1/admin/users/not-a-guid", admin))).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Nothing_a_client_sends_produces_a_500()
    {
        string[] paths = ["/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/logout", "/api/v1/auth/password/forgot", "/api/v1/auth/password/reset", "/api/v1/auth/token"];
        string[] bodies =
        [
            "", "null", "[]", "{}", "\"text\"", "12", "{\"email\":null,\"password\":null}", "{\"email\":[],\"password\":{}}",
            "{\"email\":\"\\u0000@x.co\",\"password\":\"\\ud800\"}", "{\"refreshToken\":\"" + new string('z', 300) + "\"}", "{\"token\":\"\",\"newPassword\":\"\"}",
            "{\"email\":\"" + new string('é', 5000) + "\"}", "{{{{", "\u0000\u0001", "{\"email\":\"a@b.co\",\"password\":\"x\",\"refreshTokenInBody\":\"yes\"}",
        ];
        var random = new Random(20261121);
        foreach (var path in paths)
        {
            foreach (var body in bodies.Append(RandomJunk(random)))
            {
                foreach (var type in new[] { "application/json", "application/x-www-form-urlencoded", "text/plain" })
                {
                    var response = await Client.PostAsync(path, new StringContent(body, Encoding.UTF8, type));
                    ((int)response.StatusCode).ShouldBeLessThan(500, $"{path} with {type} body {body[..Math.Min(body.Length, 40)]} gave {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }
        }
    }

    static string RandomJunk(Random random)
    {
        var bytes = new byte[random.Next(1, 300)];
        random.NextBytes(bytes);
        return Encoding.Latin1.GetString(bytes);
    }
}
