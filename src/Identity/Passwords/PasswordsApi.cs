using System.ComponentModel.DataAnnotations;
using Bazaar.Identity.Auth;
using Bazaar.Identity.Tokens;
using Bazaar.Identity.Users;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.ServiceDefaults.Email;
using Bazaar.ServiceDefaults.Problems;
using Bazaar.ServiceDefaults.RateLimiting;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bazaar.Identity.Passwords;

public sealed record ForgotPasswordRequest([Required, MaxLength(EmailAddress.MaxLength)] string Email);

public sealed record ResetPasswordRequest([Required, MaxLength(200)] string Token, [Required, MaxLength(PasswordPolicy.MaxLength)] string NewPassword);

public sealed record ChangePasswordRequest([Required, MaxLength(PasswordPolicy.MaxLength)] string CurrentPassword, [Required, MaxLength(PasswordPolicy.MaxLength)] string NewPassword);

public sealed record ForgotPasswordResponse(string Message);

public static class PasswordsApi
{
    /// <summary>The same answer whether or not the account exists; the lifetime is the configured one.</summary>
    static string ForgotAnswer(IdentityServiceOptions settings) =>
        $"If an account exists for this address, we have sent it a link to reset the password. The link works once, for {(int)settings.PasswordResetLifetime.TotalMinutes} minutes.";

    public static void MapPasswordsApi(this IEndpointRouteBuilder routes)
    {
        var anonymous = routes.MapGroup("/api/v1/auth/password").WithTags("Passwords").AllowAnonymous().RequireRateLimiting(RateLimits.Auth);
        anonymous.MapPost("/forgot", Forgot);
        anonymous.MapPost("/reset", Reset);
        routes.MapPut("/api/v1/users/me/password", Change).WithTags("Users").RequireAuthorization(Policies.Customer);
    }

    /// <summary>
    /// Answers the same, and as fast, whether or not the address has an account: the limits count the request, and the
    /// account is looked up and sent its link after the answer (<see cref="ResetLinkQueue"/>).
    /// </summary>
    static async Task<Results<Accepted<ForgotPasswordResponse>, ProblemHttpResult>> Forgot(
        ForgotPasswordRequest request, HttpContext http, IDistributedRateLimiter limiter, ResetLinkQueue links, IOptions<IdentityServiceOptions> options,
        CancellationToken ct)
    {
        var settings = options.Value;
        var normalized = EmailAddress.Normalize(request.Email);
        foreach (var (key, limit) in new[]
                 {
                     ("forgot:ip:" + RateLimits.ClientAddress(http), settings.Limits.ForgotPerAddress),
                     ("forgot:email:" + AuthApi.KeyFor(normalized), settings.Limits.ForgotPerEmail),
                 })
        {
            var decision = await limiter.AcquireAsync(key, limit.Permits, limit.Window, ct);
            if (!decision.Allowed)
                return RateLimits.TooManyRequests(http, decision.RetryAfter);
        }
        if (!links.TryEnqueue(normalized))
            return Problem.Unavailable("Too many reset links are being sent right now; ask again in a minute.");
        return TypedResults.Accepted((string?)null, new ForgotPasswordResponse(ForgotAnswer(settings)));
    }

    static async Task<Results<NoContent, ValidationProblem>> Reset(
        ResetPasswordRequest request, IdentityDb db, PasswordHashing passwords, PasswordPolicy policy, RefreshTokenStore refreshTokens,
        IdentityMetrics metrics, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var hash = OpaqueToken.Hash(request.Token);
        var reset = await db.PasswordResetTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, ct);
        var user = reset is null ? null : await db.Users.FirstOrDefaultAsync(u => u.Id == reset.UserId, ct);
        if (reset is null || user is null || reset.UsedAt is not null || reset.ExpiresAt <= now)
            return Problem.Field("token", "This reset link is invalid, already used or expired. Ask for a new one.");
        if (policy.Check(request.NewPassword, user.Email) is { } weak)
            return Problem.Field("newPassword", weak);

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The user's row first, as a password or e-mail change takes it, then their links: the same order everywhere,
        // so two resets of one account (or a reset and a change) wait for each other instead of deadlocking.
        await db.LockUserAsync(user, ct); // as it is now that it is locked (a lockout may have come in between)
        // Single use even under a double-click: only one request can flip used_at.
        var claimed = await db.PasswordResetTokens.Where(t => t.Id == reset.Id && t.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct);
        if (claimed == 0)
            return Problem.Field("token", "This reset link is invalid, already used or expired. Ask for a new one.");
        user.SetPasswordHash(passwords.Hash(user, request.NewPassword), now);
        user.ClearFailedLogins();
        await db.SaveChangesAsync(ct);
        await InvalidateResetLinksAsync(db, user.Id, now, ct); // the other links in the mailbox stop working too
        await refreshTokens.RevokeAllForUserAsync(user.Id, "password reset", ct);
        await transaction.CommitAsync(ct);
        metrics.PasswordReset("completed");
        return TypedResults.NoContent();
    }

    static async Task<Results<NoContent, ValidationProblem, NotFound, ProblemHttpResult>> Change(
        ChangePasswordRequest request, System.Security.Claims.ClaimsPrincipal principal, HttpContext http, IdentityDb db, PasswordHashing passwords,
        PasswordPolicy policy, RefreshTokenStore refreshTokens, IOptions<IdentityServiceOptions> options, IdentityMetrics metrics, TimeProvider clock,
        CancellationToken ct)
    {
        var user = await UsersApi.FindCallerAsync(principal, db, ct);
        if (user is null)
            return TypedResults.NotFound();
        var now = clock.GetUtcNow();
        switch (await AuthApi.CheckPasswordAsync(db, user, request.CurrentPassword, passwords, options.Value, metrics, now, ct))
        {
            case AuthApi.PasswordCheck.LockedOut:
                return AuthApi.LockedAnswer(http, user, now);
            case AuthApi.PasswordCheck.Wrong:
                return Problem.Field("currentPassword", "The current password is incorrect.");
        }
        if (policy.Check(request.NewPassword, user.Email) is { } weak)
            return Problem.Field("newPassword", weak);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await AuthApi.StillUnlockedAsync(db, user, now, ct))
            return AuthApi.LockedAnswer(http, user, now);
        user.SetPasswordHash(passwords.Hash(user, request.NewPassword), now);
        await db.SaveChangesAsync(ct);
        await InvalidateResetLinksAsync(db, user.Id, now, ct);
        await refreshTokens.RevokeAllForUserAsync(user.Id, "password changed", ct);
        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Ends every reset link of the user not used yet: after a reset, a password change or a new e-mail address, a link
    /// still lying in a mailbox (perhaps one someone else can read) must not reset the new password.
    /// </summary>
    internal static Task InvalidateResetLinksAsync(IdentityDb db, Guid userId, DateTimeOffset now, CancellationToken ct) =>
        db.PasswordResetTokens.Where(t => t.UserId == userId && t.UsedAt == null).ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct);
}
