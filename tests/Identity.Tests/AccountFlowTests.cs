using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Bazaar.Identity.Auth;
using Bazaar.Identity.Users;
using Bazaar.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bazaar.Identity.Tests;

public sealed partial class AccountFlowTests(IdentityFactory factory) : IdentityTest(factory)
{
    [Fact]
    public async Task Register_then_sign_in_and_read_me()
    {
        var response = await Client.PostAsJsonAsync("/api/v1/auth/register", new { email = "  Sam@Example.com ", password = "Correct-Horse-7", displayName = "Sam" });
        var created = await response.ShouldBeOkAsync<UserDto>(HttpStatusCode.Created);
        created.Email.ShouldBe("Sam@Example.com");
        created.Roles.ShouldBe(["customer"]);

        var auth = await Factory.LoginAsync(Client, "sam@EXAMPLE.com", "Correct-Horse-7");
        auth.TokenType.ShouldBe("Bearer");
        auth.ExpiresIn.ShouldBe(900);
        auth.RefreshToken.ShouldBeNull(); // browsers get it as a cookie only

        var me = await (await Client.SendAsync(WithToken(HttpMethod.Get, "/api/v1/users/me", auth.AccessToken))).ShouldBeOkAsync<UserDto>();
        me.Id.ShouldBe(created.Id);
    }

    [Fact]
    public async Task E_mail_addresses_are_unique_regardless_of_case()
    {
        await Factory.RegisterAsync(Client, "dup@example.com");
        var again = await Client.PostAsJsonAsync("/api/v1/auth/register", new { email = "DUP@Example.COM", password = "Another-Pass-9", displayName = "X" });
        await again.ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task The_refresh_cookie_is_httponly_strict_and_scoped_to_auth()
    {
        var (email, password) = await Factory.RegisterAsync(Client);
        var response = await Client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        cookie.ShouldStartWith("bazaar_refresh=");
        cookie.ShouldContain("path=/api/v1/auth");
        cookie.ShouldContain("httponly");
        cookie.ShouldContain("samesite=strict");
    }

    [Fact]
    public async Task Refresh_by_cookie_rotates_and_logout_ends_the_session()
    {
        var (email, password) = await Factory.RegisterAsync(Client);
        var first = await Factory.LoginAsync(Client, email, password);

        var refreshed = await (await Client.PostAsync("/api/v1/auth/refresh", null)).ShouldBeOkAsync<AuthResponse>();
        refreshed.AccessToken.ShouldNotBe(first.AccessToken);
        refreshed.User.Email.ShouldBe(email);

        (await Client.PostAsync("/api/v1/auth/logout", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await (await Client.PostAsync("/api/v1/auth/refresh", null)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Api_clients_can_take_the_refresh_token_in_the_body()
    {
        var (email, password) = await Factory.RegisterAsync(Client);
        var api = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        var login = await Factory.LoginAsync(api, email, password, refreshTokenInBody: true);
        login.RefreshToken.ShouldNotBeNullOrEmpty();

        var refreshed = await (await api.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = login.RefreshToken })).ShouldBeOkAsync<AuthResponse>();
        refreshed.RefreshToken.ShouldNotBeNullOrEmpty();
        refreshed.RefreshToken.ShouldNotBe(login.RefreshToken);

        (await api.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = refreshed.RefreshToken })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await (await api.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = refreshed.RefreshToken })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Wrong_current_passwords_count_toward_the_sign_in_lockout_so_a_stolen_token_cannot_guess_on()
    {
        var (email, password) = await Factory.RegisterAsync(Client);
        var token = (await Factory.LoginAsync(Client, email, password)).AccessToken;
        Task<HttpResponseMessage> ChangePassword(string current) =>
            Client.SendAsync(WithToken(HttpMethod.Put, "/api/v1/users/me/password", token, new { currentPassword = current, newPassword = "Brand-New-Pass-1" }));

        const string lockouts = "bazaar_identity_lockouts_total";
        var lockoutsBefore = MetricsText.Series(await Client.GetStringAsync("/metrics"), lockouts, whenMissing: 0);
        for (var i = 0; i < 3; i++)
            await (await ChangePassword($"guess-number-{i}")).ShouldNameFieldAsync("currentPassword");
        await (await Client.SendAsync(WithToken(HttpMethod.Put, "/api/v1/users/me", token,
            new { displayName = "Taken Over", email = "attacker@example.com", currentPassword = "guess-number-3" }))).ShouldNameFieldAsync("currentPassword");
        await (await ChangePassword("guess-number-4")).ShouldNameFieldAsync("currentPassword");
        (MetricsText.Series(await Client.GetStringAsync("/metrics"), lockouts) - lockoutsBefore).ShouldBe(1); // counted as at sign-in

        // Five wrong: locked, the right password included, for the change and for signing in.
        await (await ChangePassword(password)).ShouldBeProblemAsync(HttpStatusCode.Locked);
        await (await Client.PostAsJsonAsync("/api/v1/auth/login", new { email, password })).ShouldBeProblemAsync(HttpStatusCode.Locked);
        Factory.Clock.Advance(TimeSpan.FromMinutes(16));
        token = (await Factory.LoginAsync(Client, email, password)).AccessToken;
        (await ChangePassword(password)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Changing_the_password_needs_the_current_one_and_signs_out_other_sessions()
    {
        var (email, password) = await Factory.RegisterAsync(Client);
        var auth = await Factory.LoginAsync(Client, email, password);

        var wrong = await Client.SendAsync(WithToken(HttpMethod.Put, "/api/v1/users/me/password", auth.AccessToken, new { currentPassword = "nope-nope-nope", newPassword = "Brand-New-Pass-1" }));
        await wrong.ShouldNameFieldAsync("currentPassword");

        var ok = await Client.SendAsync(WithToken(HttpMethod.Put, "/api/v1/users/me/password", auth.AccessToken, new { currentPassword = password, newPassword = "Brand-New-Pass-1" }));
        ok.StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await (await Client.PostAsync("/api/v1/auth/refresh", null)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await Client.PostAsJsonAsync("/api/v1/auth/login", new { email, password })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await Factory.LoginAsync(Client, email, "Brand-New-Pass-1");
    }

    [Fact]
    public async Task Updating_the_profile_and_e_mail()
    {
        var (email, password) = await Factory.RegisterAsync(Client);
        var auth = await Factory.LoginAsync(Client, email, password);

        var noPassword = await Client.SendAsync(WithToken(HttpMethod.Put, "/api/v1/users/me", auth.AccessToken, new { displayName = "Samantha", email = "new@example.com" }));
        await noPassword.ShouldNameFieldAsync("currentPassword");

        var updated = await (await Client.SendAsync(WithToken(HttpMethod.Put, "/api/v1/users/me", auth.AccessToken,
            new { displayName = "Samantha", email = "new@example.com", currentPassword = password }))).ShouldBeOkAsync<UserDto>();
        updated.DisplayName.ShouldBe("Samantha");
        updated.Email.ShouldBe("new@example.com");
        await Factory.LoginAsync(Client, "new@example.com", password);
    }

    [Fact]
    public async Task Forgot_and_reset_by_the_mailbox_link_which_works_once()
    {
        var (email, _) = await Factory.RegisterAsync(Client);
        (await Client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email })).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var mail = await Factory.WaitForEmailAsync(email);
        mail.ShouldContain("Subject: =?utf-8?B?");
        var token = ResetLink().Match(mail).Groups[1].Value;
        token.ShouldNotBeNullOrEmpty();

        (await Client.PostAsJsonAsync("/api/v1/auth/password/reset", new { token = Uri.UnescapeDataString(token), newPassword = "Reset-Pass-2026" })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await Factory.LoginAsync(Client, email, "Reset-Pass-2026");

        var again = await Client.PostAsJsonAsync("/api/v1/auth/password/reset", new { token = Uri.UnescapeDataString(token), newPassword = "Other-Pass-2026" });
        await again.ShouldNameFieldAsync("token");

        // The link is a bearer secret: once the e-mail is sent, the outbox no longer holds it.
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
        for (var i = 0; i < 100 && await db.Outbox.AsNoTracking().AnyAsync(e => e.SentAt == null); i++)
            await Task.Delay(50);
        (await db.Outbox.AsNoTracking().SingleAsync()).TextBody.ShouldBeEmpty();
    }

    /// <summary>Asks for a reset link and returns the token of the one that arrives (the links already seen are left out).</summary>
    async Task<string> NewResetLinkAsync(string email, ISet<string> seen)
    {
        (await Client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await Factory.WaitForEmailAsync(email, seen.Count + 1);
        return Directory.GetFiles(Factory.Mailbox, "*.eml").Select(File.ReadAllText).Where(t => t.Contains($"To: {email}\r\n", StringComparison.Ordinal))
            .SelectMany(t => ResetLink().Matches(t)).Select(m => Uri.UnescapeDataString(m.Groups[1].Value)).Where(seen.Add).ToList().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Using_one_reset_link_ends_the_others()
    {
        var (email, _) = await Factory.RegisterAsync(Client);
        var seen = new HashSet<string>();
        var first = await NewResetLinkAsync(email, seen);
        var second = await NewResetLinkAsync(email, seen);

        (await Client.PostAsJsonAsync("/api/v1/auth/password/reset", new { token = second, newPassword = "Reset-Pass-2026" })).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await (await Client.PostAsJsonAsync("/api/v1/auth/password/reset", new { token = first, newPassword = "Taken-Over-2026" })).ShouldNameFieldAsync("token");
    }

    [Fact]
    public async Task Two_links_of_one_account_used_at_once_reset_the_password_once()
    {
        var (email, _) = await Factory.RegisterAsync(Client);
        var seen = new HashSet<string>();
        var links = new[] { await NewResetLinkAsync(email, seen), await NewResetLinkAsync(email, seen) };

        var answers = await Task.WhenAll(links.Select((token, i) => Client.PostAsJsonAsync("/api/v1/auth/password/reset", new { token, newPassword = $"Racing-Pass-{i}-2026" })));

        answers.Count(a => a.StatusCode == HttpStatusCode.NoContent).ShouldBe(1);
        answers.Count(a => a.StatusCode == HttpStatusCode.BadRequest).ShouldBe(1); // the other link has ended; no deadlock, no 500
    }

    [Fact]
    public async Task Changing_the_password_ends_the_reset_links_sent_before()
    {
        var (email, password) = await Factory.RegisterAsync(Client);
        var link = await NewResetLinkAsync(email, new HashSet<string>());
        var auth = await Factory.LoginAsync(Client, email, password);

        (await Client.SendAsync(WithToken(HttpMethod.Put, "/api/v1/users/me/password", auth.AccessToken,
            new { currentPassword = password, newPassword = "Changed-Pass-2026" }))).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await (await Client.PostAsJsonAsync("/api/v1/auth/password/reset", new { token = link, newPassword = "Taken-Over-2026" })).ShouldNameFieldAsync("token");
    }

    [Fact]
    public async Task Moving_the_account_to_a_new_e_mail_address_ends_the_reset_links_sent_to_the_old_one()
    {
        var (email, password) = await Factory.RegisterAsync(Client);
        var link = await NewResetLinkAsync(email, new HashSet<string>());
        var auth = await Factory.LoginAsync(Client, email, password);

        await (await Client.SendAsync(WithToken(HttpMethod.Put, "/api/v1/users/me", auth.AccessToken,
            new { displayName = "Moved", email = "moved-" + email, currentPassword = password }))).ShouldBeOkAsync<UserDto>();

        await (await Client.PostAsJsonAsync("/api/v1/auth/password/reset", new { token = link, newPassword = "Taken-Over-2026" })).ShouldNameFieldAsync("token");
    }

    [Fact]
    public async Task Reset_links_are_deleted_a_day_after_they_expire_and_refresh_tokens_30_days_after()
    {
        var (email, password) = await Factory.RegisterAsync(Client);
        await Factory.LoginAsync(Client, email, password);
        await NewResetLinkAsync(email, new HashSet<string>());
        long Count(string table)
        {
            using var scope = Factory.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
            return table == "refresh_tokens" ? db.RefreshTokens.LongCount() : db.PasswordResetTokens.LongCount();
        }
        var purger = Factory.Services.GetRequiredService<Bazaar.ServiceDefaults.Data.RowPurger>();

        // The reset link expires after 30 minutes and is kept a day more.
        Factory.Clock.Advance(TimeSpan.FromMinutes(30) + TimeSpan.FromDays(1) - TimeSpan.FromMinutes(1));
        await purger.PurgeAsync(default);
        Count("password_reset_tokens").ShouldBe(1);
        Factory.Clock.Advance(TimeSpan.FromMinutes(2));
        await purger.PurgeAsync(default);
        Count("password_reset_tokens").ShouldBe(0);

        Factory.Clock.Advance(TimeSpan.FromDays(13)); // the refresh token has just expired
        await purger.PurgeAsync(default);
        Count("refresh_tokens").ShouldBe(1);

        Factory.Clock.Advance(TimeSpan.FromDays(29));
        await purger.PurgeAsync(default);
        Count("refresh_tokens").ShouldBe(1); // still there to recognise reuse
        Factory.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        await purger.PurgeAsync(default);
        Count("refresh_tokens").ShouldBe(0);
    }

    [Fact]
    public async Task A_reset_link_expires_after_30_minutes()
    {
        var (email, _) = await Factory.RegisterAsync(Client);
        await Client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email });
        var token = Uri.UnescapeDataString(ResetLink().Match(await Factory.WaitForEmailAsync(email)).Groups[1].Value);
        Factory.Clock.Advance(TimeSpan.FromMinutes(31));
        await (await Client.PostAsJsonAsync("/api/v1/auth/password/reset", new { token, newPassword = "Reset-Pass-2026" })).ShouldNameFieldAsync("token");
    }

    [Fact]
    public async Task A_reset_signs_out_existing_sessions_and_ends_a_lockout()
    {
        var (email, password) = await Factory.RegisterAsync(Client);
        await Factory.LoginAsync(Client, email, password);
        for (var i = 0; i < 5; i++)
            await Client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "wrong-password-1" });

        await Client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email });
        var token = Uri.UnescapeDataString(ResetLink().Match(await Factory.WaitForEmailAsync(email)).Groups[1].Value);
        (await Client.PostAsJsonAsync("/api/v1/auth/password/reset", new { token, newPassword = "Reset-Pass-2026" })).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await (await Client.PostAsync("/api/v1/auth/refresh", null)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await Factory.LoginAsync(Client, email, "Reset-Pass-2026");
    }

    [Fact]
    public async Task A_hash_from_older_hasher_settings_is_upgraded_at_sign_in()
    {
        var (email, password) = await Factory.RegisterAsync(Client);
        using (var scope = Factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
            var user = await db.Users.SingleAsync();
            var legacy = new PasswordHasher<User>(Options.Create(new PasswordHasherOptions { CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV2 }));
            user.SetPasswordHash(legacy.HashPassword(user, password), DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
            Convert.FromBase64String(user.PasswordHash)[0].ShouldBe((byte)0x00); // the V2 format marker
        }

        await Factory.LoginAsync(Client, email, password);

        using (var scope = Factory.Services.CreateScope())
        {
            var user = await scope.ServiceProvider.GetRequiredService<IdentityDb>().Users.AsNoTracking().SingleAsync();
            Convert.FromBase64String(user.PasswordHash)[0].ShouldBe((byte)0x01); // rehashed in the current format
        }
        await Factory.LoginAsync(Client, email, password);
    }

    [GeneratedRegex(@"http://shop\.test/reset-password\?token=([A-Za-z0-9_%\-]+)")]
    private static partial Regex ResetLink();
}
