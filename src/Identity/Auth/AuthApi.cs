using Bazaar.ServiceDefaults.Data;
using System.Security.Cryptography;
using System.Text;
using Bazaar.Identity.Passwords;
using Bazaar.Identity.Tokens;
using Bazaar.Identity.Users;
using Bazaar.ServiceDefaults.Problems;
using Bazaar.ServiceDefaults.RateLimiting;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bazaar.Identity.Auth;

public static class AuthApi
{
    public static void MapAuthApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/auth").WithTags("Auth").AllowAnonymous().RequireRateLimiting(RateLimits.Auth);
        group.MapPost("/register", Register);
        group.MapPost("/login", Login);
        group.MapPost("/refresh", Refresh);
        group.MapPost("/logout", Logout);
        // Services authenticate with high-entropy client secrets, from the same few addresses as everything else on a
        // host (loopback locally, a node's address in a cluster): a per-address shopper limit would starve them.
        group.MapPost("/token", IssueServiceToken).DisableAntiforgery().DisableRateLimiting()
            .WithSummary("OAuth 2 client credentials for Bazaar services");
    }

    static async Task<Results<Created<UserDto>, ValidationProblem, ProblemHttpResult>> Register(
        RegisterRequest request, IdentityDb db, PasswordHashing passwords, PasswordPolicy policy, IdentityMetrics metrics, TimeProvider clock, CancellationToken ct)
    {
        if (!EmailAddress.TryParse(request.Email, out var email))
            return Problem.Field("email", "Enter a valid e-mail address, like name@example.com.");
        if (string.IsNullOrWhiteSpace(request.DisplayName))
            return Problem.Field("displayName", "Enter your name.");
        if (policy.Check(request.Password, request.Email) is { } weak)
            return Problem.Field("password", weak);

        var now = clock.GetUtcNow();
        var user = User.Register(email, request.DisplayName, now);
        user.SetPasswordHash(passwords.Hash(user, request.Password), now);
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return Problem.Conflict("An account with this e-mail address already exists. Sign in, or reset your password.");
        }
        metrics.Registered();
        return TypedResults.Created("/api/v1/users/me", UserDto.From(user, now));
    }

    static async Task<Results<Ok<AuthResponse>, ProblemHttpResult>> Login(
        LoginRequest request, HttpContext http, IdentityDb db, PasswordHashing passwords, AccessTokenIssuer issuer,
        RefreshTokenStore refreshTokens, IDistributedRateLimiter limiter, IOptions<IdentityServiceOptions> options,
        IdentityMetrics metrics, TimeProvider clock, CancellationToken ct)
    {
        var settings = options.Value;
        var normalized = EmailAddress.Normalize(request.Email);
        foreach (var (key, limit) in new[]
                 {
                     ("login:ip:" + RateLimits.ClientAddress(http), settings.Limits.LoginPerAddress),
                     ("login:email:" + KeyFor(normalized), settings.Limits.LoginPerEmail),
                 })
        {
            var decision = await limiter.AcquireAsync(key, limit.Permits, limit.Window, ct);
            if (!decision.Allowed)
            {
                metrics.SignIn("rate_limited");
                return RateLimits.TooManyRequests(http, decision.RetryAfter);
            }
        }

        var now = clock.GetUtcNow();
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
        if (user is null)
        {
            passwords.VerifyAgainstNobody(request.Password);
            metrics.SignIn("invalid_credentials");
            return InvalidCredentials();
        }
        var check = await CheckPasswordAsync(db, user, request.Password, passwords, settings, metrics, now, ct);
        if (check == PasswordCheck.LockedOut)
            return LockedOut(user);
        if (check == PasswordCheck.Wrong)
        {
            metrics.SignIn("invalid_credentials");
            return InvalidCredentials();
        }
        // The session starts under the user's row lock, as revocations take it (password reset or change, admin
        // lock): a reset that changed the password while it was being checked wins, and no session escapes it.
        var verifiedHash = user.PasswordHash;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await StillUnlockedAsync(db, user, now, ct))
            return LockedOut(user); // a lockout set while the password was checked
        if (user.PasswordHash != verifiedHash)
        {
            metrics.SignIn("invalid_credentials");
            return InvalidCredentials();
        }
        user.ClearFailedLogins();
        if (check == PasswordCheck.RightRehashNeeded)
            user.SetPasswordHash(passwords.Hash(user, request.Password), now);
        await db.SaveChangesAsync(ct);

        var refresh = await refreshTokens.IssueAsync(user.Id, familyId: null, ct);
        await transaction.CommitAsync(ct);
        metrics.SignIn("success");
        return TypedResults.Ok(await RespondAsync(http, user, refresh, request.RefreshTokenInBody, issuer, settings, clock, ct));

        ProblemHttpResult LockedOut(User locked)
        {
            metrics.SignIn("locked");
            return LockedAnswer(http, locked, now);
        }
    }

    /// <summary>Why a locked-out account is refused: locked by an admin, or for a while after too many wrong passwords.</summary>
    internal static ProblemHttpResult LockedAnswer(HttpContext http, User user, DateTimeOffset now) =>
        user.LockedByAdmin
            ? Problem.Status(StatusCodes.Status423Locked, "Account locked", "This account has been locked. Contact support.")
            : Locked(http, user.LockoutEnd!.Value - now);

    public enum PasswordCheck { Right, RightRehashNeeded, Wrong, LockedOut }

    /// <summary>
    /// A user's password, at sign-in or asked again of a signed-in user (to change the password or the e-mail address).
    /// Every wrong one counts toward the lockout, so whoever holds a stolen access token cannot try passwords without
    /// limit either; while locked out, the password is not even checked. A right one is followed, under the user's row
    /// lock, by <see cref="StillUnlockedAsync"/> or its equivalent.
    /// </summary>
    internal static async Task<PasswordCheck> CheckPasswordAsync(IdentityDb db, User user, string? password, PasswordHashing passwords,
        IdentityServiceOptions settings, IdentityMetrics metrics, DateTimeOffset now, CancellationToken ct)
    {
        if (user.IsLockedOut(now))
            return PasswordCheck.LockedOut;
        if (string.IsNullOrEmpty(password))
            return PasswordCheck.Wrong; // nothing was guessed
        var verdict = passwords.Verify(user, password);
        if (verdict != PasswordVerificationResult.Failed)
            return verdict == PasswordVerificationResult.SuccessRehashNeeded ? PasswordCheck.RightRehashNeeded : PasswordCheck.Right;
        if (await RecordFailedLoginAsync(db, user.Id, settings, now, ct))
            metrics.LockedOut();
        return PasswordCheck.Wrong;
    }

    /// <summary>
    /// Locks the user's row (for the rest of the caller's transaction), reloads the user and says whether it is still
    /// not locked out: guesses sent at once all passed <see cref="CheckPasswordAsync"/> before any failure was
    /// recorded, and the lockout their failures set meanwhile stands, for the right one too (as at sign-in).
    /// </summary>
    internal static async Task<bool> StillUnlockedAsync(IdentityDb db, User user, DateTimeOffset now, CancellationToken ct)
    {
        await db.LockUserAsync(user, ct);
        return !user.IsLockedOut(now);
    }

    static async Task<Results<Ok<AuthResponse>, ProblemHttpResult>> Refresh(
        [FromBody] RefreshRequest? request, HttpContext http, IdentityDb db, AccessTokenIssuer issuer, RefreshTokenStore refreshTokens,
        IOptions<IdentityServiceOptions> options, IdentityMetrics metrics, TimeProvider clock, CancellationToken ct)
    {
        var settings = options.Value;
        var fromBody = !string.IsNullOrEmpty(request?.RefreshToken);
        var presented = fromBody ? request!.RefreshToken : http.Request.Cookies[settings.RefreshCookie.Name];
        if (string.IsNullOrEmpty(presented))
            return Problem.Unauthorized("No refresh token was sent. Sign in again.");

        var outcome = await refreshTokens.RotateAsync(presented, ct);
        metrics.Refresh(outcome switch { RefreshOutcome.Rotated => "rotated", RefreshOutcome.Reused => "reuse", _ => "invalid" });
        if (outcome is not RefreshOutcome.Rotated rotated)
        {
            ClearCookie(http, settings);
            return Problem.Unauthorized(outcome is RefreshOutcome.Reused
                ? "This session was ended because its refresh token was used twice. Sign in again."
                : "The session has expired. Sign in again.");
        }
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == rotated.UserId, ct);
        if (user is null || user.LockedByAdmin)
        {
            await refreshTokens.RevokeAllForUserAsync(rotated.UserId, "account unavailable", ct);
            ClearCookie(http, settings);
            return Problem.Unauthorized("This account can no longer sign in.");
        }
        return TypedResults.Ok(await RespondAsync(http, user, rotated.NewToken, fromBody, issuer, settings, clock, ct));
    }

    static async Task<NoContent> Logout([FromBody] RefreshRequest? request, HttpContext http, RefreshTokenStore refreshTokens,
        IOptions<IdentityServiceOptions> options, CancellationToken ct)
    {
        var presented = request?.RefreshToken ?? http.Request.Cookies[options.Value.RefreshCookie.Name];
        if (!string.IsNullOrEmpty(presented))
            await refreshTokens.RevokeAsync(presented, ct);
        ClearCookie(http, options.Value);
        return TypedResults.NoContent();
    }

    static async Task<Results<Ok<ServiceTokenResponse>, ProblemHttpResult>> IssueServiceToken(
        HttpContext http, AccessTokenIssuer issuer, IOptions<IdentityServiceOptions> options, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType)
            return OAuthError(StatusCodes.Status400BadRequest, "invalid_request", "Send application/x-www-form-urlencoded with grant_type=client_credentials.");
        var form = await http.Request.ReadFormAsync(ct);
        if (form["grant_type"] != "client_credentials")
            return OAuthError(StatusCodes.Status400BadRequest, "unsupported_grant_type", "Only grant_type=client_credentials is supported here.");
        var (clientId, secret) = ClientCredentials(http, form);
        if (clientId is null || secret is null
            || !options.Value.ServiceClients.TryGetValue(clientId, out var expected)
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(expected)))
            return OAuthError(StatusCodes.Status401Unauthorized, "invalid_client", "Unknown client or wrong secret.");
        var scope = form["scope"].ToString();
        if (scope.Length > 0 && scope != "internal")
            return OAuthError(StatusCodes.Status400BadRequest, "invalid_scope", "The only scope is 'internal'.");

        var token = await issuer.IssueForServiceAsync(clientId, ct);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new ServiceTokenResponse(token.Token, "Bearer", token.ExpiresIn, "internal"));
    }

    static (string? Id, string? Secret) ClientCredentials(HttpContext http, IFormCollection form)
    {
        string? header = http.Request.Headers.Authorization;
        if (header is not null && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = decoded.IndexOf(':');
                if (colon > 0)
                    return (Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
            }
            catch (FormatException)
            {
                return (null, null);
            }
        }
        return (form["client_id"].FirstOrDefault(), form["client_secret"].FirstOrDefault());
    }

    static ProblemHttpResult OAuthError(int status, string error, string detail) =>
        TypedResults.Problem(statusCode: status, title: "Token request refused", detail: detail, extensions: new Dictionary<string, object?> { ["error"] = error });

    static async Task<AuthResponse> RespondAsync(HttpContext http, User user, string refreshToken, bool refreshInBody,
        AccessTokenIssuer issuer, IdentityServiceOptions settings, TimeProvider clock, CancellationToken ct)
    {
        var access = await issuer.IssueForUserAsync(user, ct);
        http.Response.Headers.CacheControl = "no-store";
        if (!refreshInBody)
        {
            http.Response.Cookies.Append(settings.RefreshCookie.Name, refreshToken, new CookieOptions
            {
                HttpOnly = true,
                Secure = settings.RefreshCookie.Secure,
                SameSite = SameSiteMode.Strict,
                Path = "/api/v1/auth",
                Expires = clock.GetUtcNow() + settings.RefreshTokenLifetime,
                IsEssential = true,
            });
        }
        return new AuthResponse(access.Token, "Bearer", access.ExpiresIn, access.ExpiresAt, UserDto.From(user, clock.GetUtcNow()), refreshInBody ? refreshToken : null);
    }

    static void ClearCookie(HttpContext http, IdentityServiceOptions settings) =>
        http.Response.Cookies.Delete(settings.RefreshCookie.Name, new CookieOptions
        {
            HttpOnly = true,
            Secure = settings.RefreshCookie.Secure,
            SameSite = SameSiteMode.Strict,
            Path = "/api/v1/auth",
        });

    /// <summary>One atomic statement: count the failure and, on reaching the limit, lock and start counting again.</summary>
    /// <returns>Whether this failure locked the account.</returns>
    static async Task<bool> RecordFailedLoginAsync(IdentityDb db, Guid userId, IdentityServiceOptions settings, DateTimeOffset now, CancellationToken ct)
    {
        var lockUntil = now + settings.LockoutDuration;
        var locked = await db.Database.SqlQuery<FailedLoginResult>($"""
            update users set
                lockout_end = case when failed_login_count + 1 >= {settings.MaxFailedLogins} then {lockUntil} else lockout_end end,
                failed_login_count = case when failed_login_count + 1 >= {settings.MaxFailedLogins} then 0 else failed_login_count + 1 end
            where id = {userId}
            returning lockout_end is not distinct from {lockUntil} as "Locked"
            """).ToListAsync(ct);
        return locked is [{ Locked: true }];
    }

    sealed record FailedLoginResult(bool Locked);

    static ProblemHttpResult InvalidCredentials() =>
        Problem.Unauthorized("The e-mail address or password is incorrect.");

    static ProblemHttpResult Locked(HttpContext http, TimeSpan remaining)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(remaining.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status423Locked, title: "Account temporarily locked",
            detail: $"Too many failed sign-ins. Try again in {Math.Max(1, (int)Math.Ceiling(remaining.TotalMinutes))} minutes, or reset your password.");
    }

    /// <summary>Rate-limit keys carry a hash, not the e-mail itself (it would show up in Redis and in logs).</summary>
    internal static string KeyFor(string normalizedEmail) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)))[..32];
}
