using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.ServiceDefaults.Health;
using Bazaar.ServiceDefaults.Http;
using Bazaar.ServiceDefaults.Problems;
using Bazaar.ServiceDefaults.RateLimiting;
using Bazaar.ServiceDefaults.Redis;
using Bazaar.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.ServiceDefaults.Tests;

/// <summary>A small service built only from the shared defaults, on real Kestrel, so the whole error and health surface is exercised.</summary>
public sealed class DefaultsHost : IAsyncLifetime
{
    WebApplication _app = null!;
    public TestTokens Tokens { get; } = new();
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["ConnectionStrings:Redis"] = $"127.0.0.1:{TestServers.FreePort()},connectTimeout=300,syncTimeout=300"; // nothing listens: Redis is down
        builder.Configuration["Auth:Issuer"] = "http://bazaar.test";
        builder.Configuration["RateLimiting:AuthPermitsPerMinute"] = "2";
        builder.AddServiceDefaults();
        builder.Services.AddSingleton<IJsonWebKeySource>(Tokens);

        _app = builder.Build();
        _app.MapDefaultEndpoints();
        _app.MapGet("/boom", string () => throw new InvalidOperationException("secret internals"));
        _app.MapGet("/neighbour-down", string () => throw new HttpRequestException("connection refused (catalog)"));
        _app.MapGet("/redis-down", async (IRedisClient redis) => (await redis.GetAsync("anything")) ?? "none");
        _app.MapGet("/database-down", async () =>
        {
            await using var connection = new Npgsql.NpgsqlConnection($"Host=127.0.0.1;Port={TestServers.FreePort()};Username=postgres;Timeout=2;Pooling=false");
            await connection.OpenAsync(); // nothing listens there
            return "connected";
        });
        _app.MapPost("/echo", (Payload payload) => TypedResults.Ok(payload));
        _app.MapPost("/echo/free-form", (FreeForm body) => TypedResults.Ok(body));
        _app.MapGet("/mine", () => "yours").RequireAuthorization(Policies.Customer);
        _app.MapGet("/admin", () => "ok").RequireAuthorization(Policies.Admin);
        _app.MapGet("/internal/ping", () => "pong").RequireAuthorization(Policies.Internal);
        _app.MapPost("/login", () => "ok").RequireRateLimiting(RateLimits.Auth);
        // The key bound as a parameter (the generator would list it as optional), and read from the request (not listed).
        _app.MapPost("/once/bound", ([FromHeader(Name = IdempotencyKey.Header)] string? key) => key).RequiresIdempotencyKey();
        _app.MapPost("/once/read", (HttpContext http) => http.Request.Headers[IdempotencyKey.Header].ToString()).RequiresIdempotencyKey();
        // The same refusal answered live, and stored as text then replayed (as checkout does under an Idempotency-Key).
        _app.MapGet("/refusal/live", () => Problem.Field("Shipping.PostalCode", "Give the postal code."));
        _app.MapGet("/refusal/stored", (HttpContext http) => Results.Content(Problem.Body(http, Problem.Field("Shipping.PostalCode", "Give the postal code.").ProblemDetails),
            "application/problem+json", Encoding.UTF8, StatusCodes.Status400BadRequest));
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record Payload(string Name, int Quantity);

    public sealed record FreeForm(string Name, System.Text.Json.JsonElement Parameters);
}

public sealed class DefaultsHostTests(DefaultsHost host) : IClassFixture<DefaultsHost>
{
    readonly HttpClient _client = host.Client;

    static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task An_unhandled_exception_is_a_500_problem_without_internals()
    {
        var body = await (await _client.GetAsync("/boom")).ShouldBeProblemAsync(HttpStatusCode.InternalServerError);
        body.ToString().ShouldNotContain("secret internals");
        body.GetProperty("traceId").GetString()!.Length.ShouldBe(32);
    }

    [Fact]
    public async Task A_dependency_that_does_not_answer_is_a_503_to_retry_not_a_500()
    {
        var response = await _client.GetAsync("/neighbour-down");
        var body = await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        body.GetProperty("detail").GetString()!.ShouldContain("did not answer");
        response.Headers.RetryAfter.ShouldNotBeNull();
    }

    [Theory]
    [InlineData("/redis-down")]
    [InlineData("/database-down")]
    public async Task A_store_that_does_not_answer_is_a_503_to_retry_not_a_500(string path)
    {
        var response = await _client.GetAsync(path);
        var body = await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        body.GetProperty("detail").GetString()!.ShouldContain("did not answer");
        response.Headers.RetryAfter.ShouldNotBeNull();
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        var body = await (await _client.PostAsync("/echo", Json("{\"name\": \"x\","))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        body.GetProperty("title").GetString().ShouldBe("The request body is not valid JSON");
    }

    [Fact]
    public async Task A_refusal_stored_as_text_reads_like_the_live_one()
    {
        var live = await (await _client.GetAsync("/refusal/live")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var stored = await (await _client.GetAsync("/refusal/stored")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        static string WithoutTrace(JsonElement body, string path) =>
            JsonSerializer.Serialize(body.EnumerateObject().Where(p => p.Name != "traceId")
                .ToDictionary(p => p.Name, p => p.Name == "instance" ? path : p.Value.ToString()));
        WithoutTrace(stored, "/refusal").ShouldBe(WithoutTrace(live, "/refusal"));
        stored.GetProperty("errors").GetProperty("shipping.postalCode")[0].GetString().ShouldBe("Give the postal code.");
        stored.GetProperty("traceId").GetString()!.Length.ShouldBe(32);
        stored.GetProperty("instance").GetString().ShouldBe("/refusal/stored");
    }

    [Fact]
    public async Task A_wrongly_typed_field_is_named()
    {
        await (await _client.PostAsync("/echo", Json("""{"name": "x", "quantity": "many"}"""))).ShouldNameFieldAsync("quantity");
    }

    [Theory]
    [InlineData("""{"name": "a\u0000b", "quantity": 1}""")]
    [InlineData("""{"name": "\ud800", "quantity": 1}""")]
    [InlineData("""{"name": "\udc00x", "quantity": 1}""")]
    public async Task Text_no_database_can_store_is_refused_by_field(string json)
    {
        await (await _client.PostAsync("/echo", Json(json))).ShouldNameFieldAsync("name");
    }

    [Theory]
    [InlineData("""{"name": "x", "parameters": {"currency": "\ud800"}}""")]
    [InlineData("""{"name": "x", "parameters": {"\udc00": 1}}""")]
    [InlineData("""{"name": "x", "parameters": {"list": ["ok", "a\u0000b"]}}""")]
    public async Task Free_form_JSON_with_text_no_database_can_store_is_refused_by_field(string json)
    {
        await (await _client.PostAsync("/echo/free-form", Json(json))).ShouldNameFieldAsync("parameters");
    }

    [Theory]
    [InlineData("/echo", """{"name": "a\u0000b", "quantity": 1}""", "name", "Text must not contain the NUL character.")]
    [InlineData("/echo/free-form", """{"name": "x", "parameters": {"currency": "\ud800"}}""", "parameters", "Text must be valid Unicode.")]
    public async Task A_refusal_of_text_says_why(string path, string json, string field, string message)
    {
        var body = await (await _client.PostAsync(path, Json(json))).ShouldNameFieldAsync(field);
        body.GetProperty("errors").GetProperty(field)[0].GetString().ShouldBe(message);
    }

    [Fact]
    public async Task Free_form_JSON_round_trips()
    {
        var echoed = await (await _client.PostAsync("/echo/free-form", Json("""{"name": "x", "parameters": {"a": [1, "\ud83d\uded2", null, {"b": true}]}}""")))
            .ShouldBeOkAsync<System.Text.Json.JsonElement>();
        var a = echoed.GetProperty("parameters").GetProperty("a");
        (a.GetArrayLength(), a[0].GetInt32(), a[1].GetString(), a[2].ValueKind, a[3].GetProperty("b").GetBoolean()).ShouldBe((4, 1, "🛒", System.Text.Json.JsonValueKind.Null, true));
    }

    [Fact]
    public async Task Astral_characters_are_fine()
    {
        var echoed = await (await _client.PostAsync("/echo", Json("""{"name": "\ud83d\uded2 cart", "quantity": 1}"""))).ShouldBeOkAsync<DefaultsHost.Payload>();
        echoed.Name.ShouldBe("🛒 cart");
    }

    [Fact]
    public async Task A_valid_body_round_trips()
    {
        var echoed = await (await _client.PostAsync("/echo", Json("""{"name": "x", "quantity": 2}"""))).ShouldBeOkAsync<DefaultsHost.Payload>();
        echoed.ShouldBe(new DefaultsHost.Payload("x", 2));
    }

    [Fact]
    public async Task The_wrong_content_type_is_a_415_problem()
    {
        await (await _client.PostAsync("/echo", new StringContent("name=x", Encoding.UTF8, "text/plain"))).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_problem()
    {
        var huge = "{\"name\": \"" + new string('x', 2 * 1024 * 1024) + "\", \"quantity\": 1}";
        // Expect: 100-continue lets the server refuse before the body is sent (otherwise the client may hit a closed socket).
        using var request = new HttpRequestMessage(HttpMethod.Post, "/echo") { Content = Json(huge) };
        request.Headers.ExpectContinue = true;
        await (await _client.SendAsync(request)).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Unknown_routes_and_methods_are_problems()
    {
        await (await _client.GetAsync("/nowhere")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _client.DeleteAsync("/echo")).ShouldBeProblemAsync(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Without_a_token_protected_routes_answer_401_with_a_challenge()
    {
        var response = await _client.GetAsync("/mine");
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
    }

    [Fact]
    public async Task A_bad_token_is_401_invalid_token_on_an_open_route_too()
    {
        // Not served as anonymous: a customer whose token lapsed early would get a guest's answer instead of renewing it.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/echo") { Content = Json("""{"name": "x", "quantity": 1}""") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not.a.token");
        var response = await _client.SendAsync(request);
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldContain("invalid_token");
        // Without a token the same route is open.
        (await _client.PostAsync("/echo", Json("""{"name": "x", "quantity": 1}"""))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_bad_token_is_401_invalid_token()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/mine");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not.a.token");
        var response = await _client.SendAsync(request);
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldContain("invalid_token");
    }

    [Fact]
    public async Task Roles_and_scopes_are_enforced()
    {
        async Task<HttpStatusCode> Get(string path, string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return (await _client.SendAsync(request)).StatusCode;
        }
        var customer = host.Tokens.ForUser(Guid.NewGuid(), "customer");
        var admin = host.Tokens.ForUser(Guid.NewGuid(), "admin", "customer");
        var service = host.Tokens.ForService("ordering");

        (await Get("/mine", customer)).ShouldBe(HttpStatusCode.OK);
        (await Get("/admin", customer)).ShouldBe(HttpStatusCode.Forbidden);
        (await Get("/admin", admin)).ShouldBe(HttpStatusCode.OK);
        (await Get("/internal/ping", customer)).ShouldBe(HttpStatusCode.Forbidden);
        (await Get("/internal/ping", service)).ShouldBe(HttpStatusCode.OK);
        (await Get("/mine", service)).ShouldBe(HttpStatusCode.Forbidden); // a service is not a customer
    }

    [Fact]
    public async Task Liveness_ignores_dependencies_and_readiness_reports_redis_down_as_degraded_but_ready()
    {
        (await _client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var ready = await _client.GetAsync("/health/ready");
        ready.StatusCode.ShouldBe(HttpStatusCode.OK); // the service works without Redis: its pods stay in service
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("status").GetString().ShouldBe("Degraded");
        body.GetProperty("checks").GetProperty("redis").GetProperty("description").GetString()!.ShouldContain("Redis is not answering");
        (await _client.GetAsync("/health/startup")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_service_that_requires_redis_is_not_ready_without_it()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["ConnectionStrings:Redis"] = $"127.0.0.1:{TestServers.FreePort()},connectTimeout=300,syncTimeout=300"; // nothing listens
        builder.Configuration["Auth:Issuer"] = "http://bazaar.test";
        builder.AddServiceDefaults();
        builder.Services.RequireRedisForReadiness();
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };

        var ready = await client.GetAsync("/health/ready");

        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await ready.Content.ReadAsStringAsync()).ShouldContain("Redis is not answering");
        await app.StopAsync();
    }

    [Fact]
    public async Task Metrics_count_requests_by_route_and_status()
    {
        await _client.GetAsync("/health/live");
        var text = await _client.GetStringAsync("/metrics");
        text.ShouldContain("# TYPE http_server_request_duration_seconds histogram");
        text.ShouldContain("http_route=\"/health/live\"");
        text.ShouldContain("http_response_status_code=\"200\"");
        text.ShouldContain("# TYPE dotnet_gc_collections_total counter"); // runtime metrics
        text.ShouldContain("dotnet_process_cpu_time_seconds_total");
    }

    [Fact]
    public async Task The_openapi_document_is_served()
    {
        var text = await _client.GetStringAsync("/openapi/v1.json");
        text.ShouldContain("\"openapi\"");
        text.ShouldContain("/echo");
    }

    [Theory]
    [InlineData("/once/bound")]
    [InlineData("/once/read")]
    public async Task The_openapi_document_lists_an_idempotency_key_as_a_required_header(string path)
    {
        using var document = JsonDocument.Parse(await _client.GetStringAsync("/openapi/v1.json"));
        var parameters = document.RootElement.GetProperty("paths").GetProperty(path).GetProperty("post").GetProperty("parameters")
            .EnumerateArray().Where(p => p.GetProperty("name").GetString() == IdempotencyKey.Header).ToList();

        var key = parameters.ShouldHaveSingleItem();
        key.GetProperty("in").GetString().ShouldBe("header");
        key.GetProperty("required").GetBoolean().ShouldBeTrue();
        key.GetProperty("schema").GetProperty("maxLength").GetInt32().ShouldBe(IdempotencyKey.MaxLength);
    }

    [Fact]
    public async Task A_rate_limited_route_answers_429_with_retry_after()
    {
        HttpResponseMessage last = null!;
        for (var i = 0; i < 3; i++)
            last = await _client.PostAsync("/login", null);
        await last.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        last.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeGreaterThan(0);
    }
}
