using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bazaar.Identity.Auth;
using Bazaar.Identity.Keys;
using Bazaar.Identity.Tokens;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Identity.Tests;

public sealed class SecurityTests(IdentityFactory factory) : IdentityTest(factory)
{
    async Task<(AuthResponse Auth, Dictionary<string, object> Claims)> SignedInAsync()
    {
        var (email, password) = await Factory.RegisterAsync(Client);
        var auth = await Factory.LoginAsync(Client, email, password);
        var payload = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64Url.Decode(auth.AccessToken.Split('.')[1]))!;
        return (auth, payload.ToDictionary(p => p.Key, p => (object)p.Value));
    }

    async Task<string> SignWithRealKeyAsync(Dictionary<string, object> claims)
    {
        var key = await Factory.Services.GetRequiredService<SigningKeyRing>().GetSigningKeyAsync(default);
        return JwtWriter.Write(key.Kid, key.Key, claims);
    }

    async Task<HttpStatusCode> MeStatusAsync(string token) =>
        (await Client.SendAsync(WithToken(HttpMethod.Get, "/api/v1/users/me", token))).StatusCode;

    [Fact]
    public async Task The_access_token_carries_the_documented_claims()
    {
        var (auth, claims) = await SignedInAsync();
        claims.Keys.ShouldBeSubsetOf(["sub", "email", "roles", "acct_created", "iss", "aud", "jti", "iat", "nbf", "exp"]);
        claims.Keys.Count.ShouldBe(10);
        var header = JsonSerializer.Deserialize<Dictionary<string, string>>(Base64Url.Decode(auth.AccessToken.Split('.')[0]))!;
        header["alg"].ShouldBe("ES256");
        header["kid"].ShouldNotBeNullOrEmpty();
        (((JsonElement)claims["exp"]).GetInt64() - ((JsonElement)claims["iat"]).GetInt64()).ShouldBe(15 * 60);
    }

    [Fact]
    public async Task An_expired_token_is_401()
    {
        var (auth, _) = await SignedInAsync();
        (await MeStatusAsync(auth.AccessToken)).ShouldBe(HttpStatusCode.OK);
        Factory.Clock.Advance(TimeSpan.FromMinutes(16));
        (await MeStatusAsync(auth.AccessToken)).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_with_a_wrong_signature_is_401()
    {
        var (auth, _) = await SignedInAsync();
        var parts = auth.AccessToken.Split('.');
        var signature = Base64Url.Decode(parts[2])!;
        signature[10] ^= 0xFF;
        (await MeStatusAsync($"{parts[0]}.{parts[1]}.{Base64Url.Encode(signature)}")).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_signed_by_a_foreign_key_under_our_kid_is_401()
    {
        var (auth, claims) = await SignedInAsync();
        var kid = JsonSerializer.Deserialize<Dictionary<string, string>>(Base64Url.Decode(auth.AccessToken.Split('.')[0]))!["kid"];
        using var foreign = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        (await MeStatusAsync(JwtWriter.Write(kid, foreign, claims))).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Alg_none_is_401()
    {
        var (auth, _) = await SignedInAsync();
        var parts = auth.AccessToken.Split('.');
        var header = Base64Url.Encode(Encoding.UTF8.GetBytes("""{"alg":"none","typ":"JWT"}"""));
        (await MeStatusAsync($"{header}.{parts[1]}.")).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Hs256_signed_with_the_published_public_key_is_401()
    {
        var (auth, _) = await SignedInAsync();
        var jwks = await Client.GetStringAsync("/.well-known/jwks.json");
        var jwk = JsonDocument.Parse(jwks).RootElement.GetProperty("keys")[0];
        var parts = auth.AccessToken.Split('.');
        var header = Base64Url.Encode(Encoding.UTF8.GetBytes($$"""{"alg":"HS256","typ":"JWT","kid":"{{jwk.GetProperty("kid").GetString()}}"}"""));
        var input = header + "." + parts[1];
        foreach (var secret in new[] { Encoding.UTF8.GetBytes(jwk.GetRawText()), Base64Url.Decode(jwk.GetProperty("x").GetString())! })
            (await MeStatusAsync(input + "." + Base64Url.Encode(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input))))).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_wrong_audience_or_issuer_is_401_even_when_signed_by_our_key()
    {
        var (_, claims) = await SignedInAsync();
        (await MeStatusAsync(await SignWithRealKeyAsync(claims))).ShouldBe(HttpStatusCode.OK); // the forging itself is sound
        (await MeStatusAsync(await SignWithRealKeyAsync(new(claims) { ["aud"] = "another-app" }))).ShouldBe(HttpStatusCode.Unauthorized);
        (await MeStatusAsync(await SignWithRealKeyAsync(new(claims) { ["iss"] = "https://evil.example" }))).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_customer_on_an_admin_route_is_403()
    {
        var (auth, _) = await SignedInAsync();
        await (await Client.SendAsync(WithToken(HttpMethod.Get, "/api/v1/admin/users", auth.AccessToken))).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await Client.SendAsync(WithToken(HttpMethod.Post, $"/api/v1/admin/users/{auth.User.Id}/lock", auth.AccessToken))).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Reusing_a_rotated_refresh_token_revokes_the_whole_family()
    {
        var (email, password) = await Factory.RegisterAsync(Client);
        var api = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        var login = await Factory.LoginAsync(api, email, password, refreshTokenInBody: true);
        var second = await (await api.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = login.RefreshToken })).ShouldBeOkAsync<AuthResponse>();

        // The first token comes back (say, stolen): refused, and the legitimate newer one dies with it.
        await (await api.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = login.RefreshToken })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await api.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = second.RefreshToken })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        // Another sign-in is another family and still works.
        var other = await Factory.LoginAsync(api, email, password, refreshTokenInBody: true);
        (await api.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = other.RefreshToken })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Two_racing_refreshes_with_one_token_cannot_both_succeed()
    {
        var (email, password) = await Factory.RegisterAsync(Client);
        var api = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        var login = await Factory.LoginAsync(api, email, password, refreshTokenInBody: true);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => api.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = login.RefreshToken })));
        // At most one claims the token; even that one gives up when it sees the reuse the others reported (by design:
        // a session whose token was presented twice ends). That plain refresh works is tested on its own above.
        results.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBeLessThanOrEqualTo(1);
        results.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK || r.StatusCode == HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_logout_racing_a_refresh_of_the_same_session_leaves_no_token_alive()
    {
        var (email, password) = await Factory.RegisterAsync(Client);
        var api = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        for (var round = 0; round < 10; round++)
        {
            var login = await Factory.LoginAsync(api, email, password, refreshTokenInBody: true);

            await Task.WhenAll(
                api.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = login.RefreshToken }),
                api.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = login.RefreshToken }));

            // Whichever came first, the session is over: a successor issued by the refresh is revoked with its family.
            using var scope = Factory.Services.CreateScope();
            (await scope.ServiceProvider.GetRequiredService<IdentityDb>().RefreshTokens.CountAsync(t => t.RevokedAt == null)).ShouldBe(0, $"round {round}");
        }
    }

    /// <summary>
    /// A password reset in progress on a connection of its own: it holds the user's row (as a reset does) until
    /// <see cref="ResetInProgress.FinishAsync"/> changes the password, ends every session and commits.
    /// </summary>
    sealed class ResetInProgress(Npgsql.NpgsqlDataSource db, Npgsql.NpgsqlConnection connection, Npgsql.NpgsqlTransaction transaction, Guid userId) : IAsyncDisposable
    {
        public static async Task<ResetInProgress> BeginAsync(string connectionString, string email)
        {
            var db = Npgsql.NpgsqlDataSource.Create(connectionString);
            var connection = await db.OpenConnectionAsync();
            var transaction = await connection.BeginTransactionAsync();
            var userId = await Dapper.SqlMapper.ExecuteScalarAsync<Guid>(connection,
                "select id from users where normalized_email = @email for no key update", new { email }, transaction);
            return new ResetInProgress(db, connection, transaction, userId);
        }

        public async Task FinishAsync()
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, """
                update users set password_hash = 'replaced-by-a-reset' where id = @userId;
                update refresh_tokens set revoked_at = now(), revoked_reason = 'password reset' where user_id = @userId and revoked_at is null;
                """, new { userId }, transaction);
            await transaction.CommitAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
            await db.DisposeAsync();
        }
    }

    async Task NoSessionIsAliveAsync()
    {
        using var scope = Factory.Services.CreateScope();
        (await scope.ServiceProvider.GetRequiredService<IdentityDb>().RefreshTokens.CountAsync(t => t.RevokedAt == null)).ShouldBe(0);
    }

    [Fact]
    public async Task A_refresh_waits_for_a_password_reset_in_progress_and_then_finds_its_session_ended()
    {
        var (email, password) = await Factory.RegisterAsync(Client);
        var api = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        var login = await Factory.LoginAsync(api, email, password, refreshTokenInBody: true);
        await using var reset = await ResetInProgress.BeginAsync(Factory.DatabaseConnectionString, email);

        // The refresh must wait for the reset rather than issue a token the reset misses.
        var refresh = api.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = login.RefreshToken });
        await Task.Delay(500);
        refresh.IsCompleted.ShouldBeFalse();
        await reset.FinishAsync();

        await (await refresh).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await NoSessionIsAliveAsync();
    }

    [Fact]
    public async Task A_sign_in_during_a_password_reset_waits_and_then_fails_with_the_old_password()
    {
        var (email, password) = await Factory.RegisterAsync(Client);
        await using var reset = await ResetInProgress.BeginAsync(Factory.DatabaseConnectionString, email);

        // The password is checked against the old hash while the reset holds the row; the session must not start.
        var signIn = Client.PostAsJsonAsync("/api/v1/auth/login", new { email, password, refreshTokenInBody = true });
        await Task.Delay(500);
        signIn.IsCompleted.ShouldBeFalse();
        await reset.FinishAsync();

        await (await signIn).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await NoSessionIsAliveAsync();
    }

    [Fact]
    public async Task Five_failed_sign_ins_lock_the_account_for_15_minutes()
    {
        var (email, password) = await Factory.RegisterAsync(Client);
        for (var i = 0; i < 5; i++)
            await (await Client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "wrong-password-" + i })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        var locked = await Client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        await locked.ShouldBeProblemAsync(HttpStatusCode.Locked);
        locked.Headers.RetryAfter!.Delta!.Value.ShouldBeInRange(TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));

        Factory.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        await Factory.LoginAsync(Client, email, password);
    }

    [Fact]
    public async Task Sign_in_outcomes_and_lockouts_are_counted_on_metrics()
    {
        static double Value(string metrics, string series) => MetricsText.Series(metrics, series, whenMissing: 0);
        var before = await Client.GetStringAsync("/metrics");
        var (email, password) = await Factory.RegisterAsync(Client);
        for (var i = 0; i < 5; i++)
            await Client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "wrong-password-" + i });
        await Client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        var after = await Client.GetStringAsync("/metrics");

        (Value(after, "bazaar_identity_registrations_total") - Value(before, "bazaar_identity_registrations_total")).ShouldBe(1);
        (Value(after, "bazaar_identity_sign_ins_total{outcome=\"invalid_credentials\"}") - Value(before, "bazaar_identity_sign_ins_total{outcome=\"invalid_credentials\"}")).ShouldBe(5);
        (Value(after, "bazaar_identity_sign_ins_total{outcome=\"locked\"}") - Value(before, "bazaar_identity_sign_ins_total{outcome=\"locked\"}")).ShouldBe(1);
        (Value(after, "bazaar_identity_lockouts_total") - Value(before, "bazaar_identity_lockouts_total")).ShouldBe(1);
    }

    [Fact]
    public async Task Four_failures_then_a_success_start_the_count_again()
    {
        var (email, password) = await Factory.RegisterAsync(Client);
        for (var i = 0; i < 4; i++)
            await Client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "wrong-password-x" });
        await Factory.LoginAsync(Client, email, password);
        for (var i = 0; i < 4; i++)
            await Client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "wrong-password-x" });
        await Factory.LoginAsync(Client, email, password);
    }

    [Fact]
    public async Task Forgot_password_answers_the_same_for_unknown_addresses()
    {
        var (email, _) = await Factory.RegisterAsync(Client);
        var unknown = await Client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = "nobody-" + email });
        var known = await Client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email });
        unknown.StatusCode.ShouldBe(known.StatusCode);
        (await unknown.Content.ReadAsStringAsync()).ShouldBe(await known.Content.ReadAsStringAsync());
        await Factory.WaitForEmailAsync(email); // requests are worked off in order: the unknown address's is done by now
        Directory.GetFiles(Factory.Mailbox, "*.eml").Length.ShouldBe(1);
    }

    [Fact]
    public async Task Forgot_password_answers_before_the_account_is_looked_up_so_its_timing_tells_nothing()
    {
        var (email, _) = await Factory.RegisterAsync(Client);
        // With the users table locked, a lookup would wait for the lock: both answers come anyway, the link after it.
        await using var connection = new Npgsql.NpgsqlConnection(Factory.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockUsers = new Npgsql.NpgsqlCommand("lock table users in access exclusive mode", connection, transaction))
            await lockUsers.ExecuteNonQueryAsync();
        using var stopWaiting = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a request that waited for the lock fails the test, not hangs it

        (await Client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email }, stopWaiting.Token)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await Client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = "nobody-" + email }, stopWaiting.Token)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        Directory.GetFiles(Factory.Mailbox, "*.eml").ShouldBeEmpty();

        await transaction.RollbackAsync();
        (await Factory.WaitForEmailAsync(email)).ShouldContain("/reset-password?token=");
    }

    [Fact]
    public async Task Forgot_password_is_limited_per_address_with_429_and_retry_after()
    {
        HttpResponseMessage last = null!;
        for (var i = 0; i < 4; i++)
            last = await Client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = "someone@example.com" });
        await last.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        last.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeGreaterThan(0);
        // another address is not affected
        (await Client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = "other@example.com" })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Sign_in_attempts_per_e_mail_are_limited_in_redis_across_clients()
    {
        // Ten attempts per e-mail per window, whoever makes them (the count lives in Redis, shared by all replicas).
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 11; i++)
        {
            var client = Factory.CreateClient();
            statuses.Add((await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "target@example.com", password = "guess-guess-" + i })).StatusCode);
        }
        statuses.Take(10).ShouldAllBe(s => s == HttpStatusCode.Unauthorized);
        statuses[10].ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task A_locked_account_cannot_sign_in_or_refresh()
    {
        var (email, password) = await Factory.RegisterAsync(Client);
        var auth = await Factory.LoginAsync(Client, email, password);
        var admin = await Factory.TokenWithRolesAsync(Client, "admin", "customer");

        (await Client.SendAsync(WithToken(HttpMethod.Post, $"/api/v1/admin/users/{auth.User.Id}/lock", admin))).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await Client.PostAsync("/api/v1/auth/refresh", null)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await Client.PostAsJsonAsync("/api/v1/auth/login", new { email, password })).ShouldBeProblemAsync(HttpStatusCode.Locked);

        (await Client.SendAsync(WithToken(HttpMethod.Post, $"/api/v1/admin/users/{auth.User.Id}/unlock", admin))).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Factory.LoginAsync(Client, email, password);
    }

    [Fact]
    public async Task Services_get_an_internal_token_with_client_credentials()
    {
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = "ordering", ["client_secret"] = IdentityFactory.OrderingSecret });
        var body = JsonDocument.Parse(await (await Client.PostAsync("/api/v1/auth/token", form)).Content.ReadAsStringAsync()).RootElement;
        var token = body.GetProperty("access_token").GetString()!;
        body.GetProperty("scope").GetString().ShouldBe("internal");

        var validation = await Factory.Services.GetRequiredService<AccessTokenValidator>().ValidateAsync(token, default);
        validation.Succeeded.ShouldBeTrue(validation.Failure);
        validation.Principal!.HasClaim(Policies.ScopeClaim, Policies.Internal).ShouldBeTrue();
        validation.Principal.IsInRole("customer").ShouldBeFalse();
    }

    [Theory]
    [InlineData("ordering", "wrong-secret", HttpStatusCode.Unauthorized)]
    [InlineData("stranger", IdentityFactory.OrderingSecret, HttpStatusCode.Unauthorized)]
    [InlineData("", "", HttpStatusCode.Unauthorized)]
    public async Task Client_credentials_are_checked(string clientId, string secret, HttpStatusCode expected)
    {
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret });
        var body = await (await Client.PostAsync("/api/v1/auth/token", form)).ShouldBeProblemAsync(expected);
        body.GetProperty("error").GetString().ShouldBe("invalid_client");
    }

    [Fact]
    public async Task Only_the_client_credentials_grant_is_accepted()
    {
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "password", ["username"] = "a", ["password"] = "b" });
        var body = await (await Client.PostAsync("/api/v1/auth/token", form)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        body.GetProperty("error").GetString().ShouldBe("unsupported_grant_type");
    }
}
