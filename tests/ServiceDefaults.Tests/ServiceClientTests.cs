using System.Net;
using Bazaar.ServiceDefaults.Http;
using Bazaar.Testing;
using Microsoft.Extensions.Options;

namespace Bazaar.ServiceDefaults.Tests;

public sealed class ServiceClientTests
{
    static HttpClient Client(HttpMessageHandler inner) =>
        new(new ResilienceHandler(new ServiceClientOptions { BaseDelay = TimeSpan.FromMilliseconds(1) }) { InnerHandler = inner })
        {
            BaseAddress = new Uri("http://catalog/"),
        };

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.Unauthorized, true)] // our token turned away: nothing was decided about the request
    [InlineData(HttpStatusCode.Forbidden, true)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.Conflict, false)]
    [InlineData(HttpStatusCode.UnprocessableEntity, false)]
    public void Only_what_the_other_service_decided_about_the_request_counts_as_an_answer(HttpStatusCode status, bool noAnswer) =>
        ServiceClients.IsNoAnswer(status).ShouldBe(noAnswer);

    [Fact]
    public async Task Idempotent_requests_are_retried_after_transient_failures()
    {
        var peer = new StubHandler(StubHandler.Status(HttpStatusCode.ServiceUnavailable), StubHandler.Status(HttpStatusCode.BadGateway), StubHandler.Status(HttpStatusCode.OK));
        var response = await Client(peer).GetAsync("api/v1/products");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        peer.Requests.Count.ShouldBe(3);
    }

    [Fact]
    public async Task A_post_without_idempotency_key_is_sent_once()
    {
        var peer = new StubHandler(StubHandler.Status(HttpStatusCode.ServiceUnavailable), StubHandler.Status(HttpStatusCode.OK));
        var response = await Client(peer).PostAsync("internal/reservations", new StringContent("{}"));
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        peer.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_post_with_an_idempotency_key_is_retried()
    {
        var peer = new StubHandler(StubHandler.Status(HttpStatusCode.ServiceUnavailable), StubHandler.Status(HttpStatusCode.Created));
        using var request = new HttpRequestMessage(HttpMethod.Post, "internal/reservations") { Content = new StringContent("{}") };
        request.Headers.Add("Idempotency-Key", "order-1");
        var response = await Client(peer).SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        peer.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_post_marked_read_only_is_retried()
    {
        var peer = new StubHandler(StubHandler.Status(HttpStatusCode.ServiceUnavailable), StubHandler.Status(HttpStatusCode.OK));
        using var request = new HttpRequestMessage(HttpMethod.Post, "internal/pricing") { Content = new StringContent("{}") };
        request.Options.Set(ResilienceHandler.ReadOnly, true);
        var response = await Client(peer).SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        peer.Requests.Count.ShouldBe(2);
        peer.Requests[0].Headers.Contains("Idempotency-Key").ShouldBeFalse();
    }

    [Fact]
    public async Task Client_errors_are_not_retried()
    {
        var peer = new StubHandler(StubHandler.Status(HttpStatusCode.NotFound));
        (await Client(peer).GetAsync("api/v1/products/x")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        peer.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Retries_stop_after_the_limit()
    {
        var peer = new StubHandler(StubHandler.Status(HttpStatusCode.ServiceUnavailable));
        (await Client(peer).GetAsync("x")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        peer.Requests.Count.ShouldBe(4); // the first try and three retries
    }

    [Fact]
    public async Task The_service_token_goes_on_internal_routes_only_and_is_cached()
    {
        var identity = new StubHandler(StubHandler.Status(HttpStatusCode.OK, """{"access_token":"svc-token","token_type":"Bearer","expires_in":900}"""));
        var tokens = new ServiceTokenProvider(new HttpClient(identity),
            Options.Create(new ServiceAuthOptions { TokenUri = "http://identity/api/v1/auth/token", ClientId = "ordering", ClientSecret = "s" }), new FakeTimeProvider());
        var peer = new StubHandler(StubHandler.Status(HttpStatusCode.OK));
        var client = new HttpClient(new ServiceTokenHandler(tokens) { InnerHandler = peer }) { BaseAddress = new Uri("http://catalog/") };

        await client.PostAsync("internal/pricing", new StringContent("{}"));
        await client.PostAsync("internal/pricing", new StringContent("{}"));
        await client.GetAsync("api/v1/products");

        peer.Requests[0].Headers.Authorization!.ToString().ShouldBe("Bearer svc-token");
        peer.Requests[1].Headers.Authorization!.ToString().ShouldBe("Bearer svc-token");
        peer.Requests[2].Headers.Authorization.ShouldBeNull();
        identity.Requests.Count.ShouldBe(1);
        var form = await identity.Requests[0].Content!.ReadAsStringAsync();
        form.ShouldContain("grant_type=client_credentials");
        form.ShouldContain("client_id=ordering");
    }

    [Fact]
    public async Task A_refused_service_token_is_renewed_and_the_call_sent_once_more()
    {
        var issued = 0;
        var identity = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent($$"""{"access_token":"svc-token-{{++issued}}","token_type":"Bearer","expires_in":900}""", System.Text.Encoding.UTF8, "application/json"),
        });
        var clock = new FakeTimeProvider();
        var tokens = new ServiceTokenProvider(new HttpClient(identity),
            Options.Create(new ServiceAuthOptions { TokenUri = "http://identity/api/v1/auth/token", ClientId = "ordering", ClientSecret = "s" }), clock);
        var shown = new List<string>();
        // The peer no longer accepts the first token (signed with a key identity has since retired).
        var peer = new StubHandler(request =>
        {
            var token = request.Headers.Authorization!.Parameter!;
            shown.Add(token);
            return new HttpResponseMessage(token == "svc-token-1" ? HttpStatusCode.Unauthorized : HttpStatusCode.OK);
        });
        var client = new HttpClient(new ServiceTokenHandler(tokens) { InnerHandler = peer }) { BaseAddress = new Uri("http://catalog/") };

        // A token just issued and refused is not renewed: the cause is not its age, and each call would fetch another.
        (await client.PostAsync("internal/pricing", new StringContent("{}"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        clock.Advance(ServiceTokenProvider.MinAgeToRenew);
        (await client.PostAsync("internal/pricing", new StringContent("{}"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.PostAsync("internal/pricing", new StringContent("{}"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        shown.ShouldBe(["svc-token-1", "svc-token-1", "svc-token-2", "svc-token-2"]);
        identity.Requests.Count.ShouldBe(2);
    }

    [Theory]
    [InlineData(false, 1)] // identity issues the same token again: nothing new to show, so it is not sent again
    [InlineData(true, 2)]  // a new token, refused too: sent once more, then answered as refused
    public async Task A_token_refused_again_after_renewal_is_answered_as_refused_without_a_loop(bool newTokens, int sends)
    {
        var issued = 0;
        var identity = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent($$"""{"access_token":"svc-token-{{(newTokens ? ++issued : 0)}}","token_type":"Bearer","expires_in":900}""",
                System.Text.Encoding.UTF8, "application/json"),
        });
        var clock = new FakeTimeProvider();
        var tokens = new ServiceTokenProvider(new HttpClient(identity),
            Options.Create(new ServiceAuthOptions { TokenUri = "http://identity/api/v1/auth/token", ClientId = "ordering", ClientSecret = "s" }), clock);
        var peer = new StubHandler(StubHandler.Status(HttpStatusCode.Unauthorized));
        var client = new HttpClient(new ServiceTokenHandler(tokens) { InnerHandler = peer }) { BaseAddress = new Uri("http://catalog/") };
        await tokens.GetTokenAsync(default);
        clock.Advance(ServiceTokenProvider.MinAgeToRenew);

        (await client.PostAsync("internal/pricing", new StringContent("{}"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        peer.Requests.Count.ShouldBe(sends);
        identity.Requests.Count.ShouldBe(2);
    }
}
