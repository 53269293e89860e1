using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bazaar.ServiceDefaults.Tests;

public sealed class RemoteJsonWebKeySourceTests
{
    readonly FakeTimeProvider _clock = new();
    readonly ECDsa _first = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    readonly ECDsa _second = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    static Func<HttpRequestMessage, HttpResponseMessage> Jwks(params JsonWebKey[] keys) =>
        StubHandler.Status(HttpStatusCode.OK, JsonSerializer.Serialize(new JsonWebKeySet(keys)));

    RemoteJsonWebKeySource Source(StubHandler handler) =>
        new(new HttpClient(handler), Options.Create(new AuthOptions { JwksUri = "http://identity/.well-known/jwks.json" }), _clock, NullLogger<RemoteJsonWebKeySource>.Instance);

    [Fact]
    public async Task Keys_are_fetched_once_and_kept()
    {
        var identity = new StubHandler(Jwks(JsonWebKey.FromPublicKey("k1", _first)));
        var source = Source(identity);
        (await source.FindKeyAsync("k1", default)).ShouldNotBeNull();
        (await source.FindKeyAsync("k1", default)).ShouldNotBeNull();
        identity.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_unknown_key_id_fetches_again_but_not_more_often_than_the_minimum_interval()
    {
        var identity = new StubHandler(Jwks(JsonWebKey.FromPublicKey("k1", _first)),
            Jwks(JsonWebKey.FromPublicKey("k1", _first), JsonWebKey.FromPublicKey("k2", _second)));
        var source = Source(identity);
        await source.FindKeyAsync("k1", default);

        (await source.FindKeyAsync("k2", default)).ShouldBeNull(); // too soon after the last fetch
        identity.Requests.Count.ShouldBe(1);

        _clock.Advance(TimeSpan.FromSeconds(31));
        (await source.FindKeyAsync("k2", default)).ShouldNotBeNull(); // a rotation is picked up
        identity.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task After_a_failed_fetch_unknown_key_ids_do_not_ask_identity_again_before_the_minimum_interval()
    {
        var identity = new StubHandler(StubHandler.Status(HttpStatusCode.ServiceUnavailable), Jwks(JsonWebKey.FromPublicKey("k1", _first)));
        var source = Source(identity);

        (await source.FindKeyAsync("k1", default)).ShouldBeNull(); // identity is down
        for (var i = 0; i < 5; i++)
            (await source.FindKeyAsync($"forged-{i}", default)).ShouldBeNull(); // any key id a request names
        identity.Requests.Count.ShouldBe(1);

        _clock.Advance(TimeSpan.FromSeconds(31));
        (await source.FindKeyAsync("k1", default)).ShouldNotBeNull(); // identity is back
        identity.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_fetch_the_caller_gave_up_on_does_not_hold_back_the_next_one()
    {
        using var leaving = new CancellationTokenSource();
        var identity = new StubHandler(_ =>
        {
            leaving.Cancel(); // the client disconnects while the keys are being fetched
            throw new TaskCanceledException();
        }, Jwks(JsonWebKey.FromPublicKey("k1", _first)));
        var source = Source(identity);

        await Should.ThrowAsync<OperationCanceledException>(async () => await source.FindKeyAsync("k1", leaving.Token));

        (await source.FindKeyAsync("k1", default)).ShouldNotBeNull(); // the next request fetches at once
        identity.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_failed_fetch_keeps_the_keys_already_known()
    {
        var identity = new StubHandler(Jwks(JsonWebKey.FromPublicKey("k1", _first)), StubHandler.Status(HttpStatusCode.ServiceUnavailable));
        var source = Source(identity);
        await source.FindKeyAsync("k1", default);
        _clock.Advance(TimeSpan.FromMinutes(11));
        (await source.FindKeyAsync("k1", default)).ShouldNotBeNull();
        identity.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Keys_that_are_not_es256_on_p256_are_ignored()
    {
        var rsaLike = JsonWebKey.FromPublicKey("k1", _first) with { Alg = "RS256" };
        var source = Source(new StubHandler(Jwks(rsaLike)));
        (await source.FindKeyAsync("k1", default)).ShouldBeNull();
    }
}
