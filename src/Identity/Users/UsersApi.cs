using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Bazaar.Identity.Tokens;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.ServiceDefaults.Data;
using Bazaar.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bazaar.Identity.Users;

public sealed record UpdateProfileRequest(
    [Required, MinLength(1), MaxLength(100)] string DisplayName,
    [MaxLength(EmailAddress.MaxLength)] string? Email,
    [MaxLength(Bazaar.Identity.Passwords.PasswordPolicy.MaxLength)] string? CurrentPassword);

public sealed record SetRolesRequest([Required, MaxLength(3)] IReadOnlyList<string> Roles);

public sealed record UserPage(IReadOnlyList<UserDto> Items, string? NextCursor);

public static class UsersApi
{
    const int MaxPageSize = 100;

    public static void MapUsersApi(this IEndpointRouteBuilder routes)
    {
        var me = routes.MapGroup("/api/v1/users/me").WithTags("Users").RequireAuthorization(Policies.Customer);
        me.MapGet("/", GetMe);
        me.MapPut("/", UpdateMe);

        var admin = routes.MapGroup("/api/v1/admin/users").WithTags("Admin: users").RequireAuthorization(Policies.Support);
        admin.MapGet("/", ListUsers);
        admin.MapGet("/{id:guid}", GetUser);
        admin.MapPut("/{id:guid}/roles", SetRoles).RequireAuthorization(Policies.Admin);
        admin.MapPost("/{id:guid}/lock", Lock).RequireAuthorization(Policies.Admin);
        admin.MapPost("/{id:guid}/unlock", Unlock).RequireAuthorization(Policies.Admin);
    }

    internal static Task<User?> FindCallerAsync(ClaimsPrincipal principal, IdentityDb db, CancellationToken ct) =>
        principal.TryGetUserId() is { } id
            ? db.Users.FirstOrDefaultAsync(u => u.Id == id, ct)
            : Task.FromResult<User?>(null);

    static async Task<Results<Ok<UserDto>, NotFound>> GetMe(ClaimsPrincipal principal, IdentityDb db, TimeProvider clock, CancellationToken ct) =>
        await FindCallerAsync(principal, db, ct) is { } user ? TypedResults.Ok(UserDto.From(user, clock.GetUtcNow())) : TypedResults.NotFound();

    /// <summary>Changing the e-mail address needs the current password: it is how the account is recovered.</summary>
    static async Task<Results<Ok<UserDto>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateMe(
        UpdateProfileRequest request, ClaimsPrincipal principal, HttpContext http, IdentityDb db, PasswordHashing passwords,
        IOptions<IdentityServiceOptions> options, IdentityMetrics metrics, TimeProvider clock, CancellationToken ct)
    {
        var user = await FindCallerAsync(principal, db, ct);
        if (user is null)
            return TypedResults.NotFound();
        if (string.IsNullOrWhiteSpace(request.DisplayName))
            return Problem.Field("displayName", "Enter your name.");
        var now = clock.GetUtcNow();
        EmailAddress? newEmail = null;
        if (request.Email is not null && EmailAddress.Normalize(request.Email) != user.NormalizedEmail)
        {
            if (!EmailAddress.TryParse(request.Email, out newEmail))
                return Problem.Field("email", "Enter a valid e-mail address, like name@example.com.");
            switch (await Auth.AuthApi.CheckPasswordAsync(db, user, request.CurrentPassword, passwords, options.Value, metrics, now, ct))
            {
                case Auth.AuthApi.PasswordCheck.LockedOut:
                    return Auth.AuthApi.LockedAnswer(http, user, now);
                case Auth.AuthApi.PasswordCheck.Wrong:
                    return Problem.Field("currentPassword", "Enter your current password to change the e-mail address.");
            }
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (newEmail is not null && !await Auth.AuthApi.StillUnlockedAsync(db, user, now, ct))
            return Auth.AuthApi.LockedAnswer(http, user, now);
        user.UpdateProfile(request.DisplayName, newEmail, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return Problem.Conflict("Another account already uses this e-mail address.");
        }
        if (newEmail is not null) // reset links sent to the old address must not work for the account now
            await Passwords.PasswordsApi.InvalidateResetLinksAsync(db, user.Id, now, ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(UserDto.From(user, now));
    }

    /// <summary>Newest first; <paramref name="q"/> matches e-mail or name; the cursor is the last id of the previous page.</summary>
    static async Task<Results<Ok<UserPage>, ValidationProblem>> ListUsers(
        IdentityDb db, TimeProvider clock, CancellationToken ct, string? q = null, string? role = null, string? cursor = null, int limit = 25)
    {
        if (NewestFirst.Read(cursor, limit, MaxPageSize, out var paging) is { } badPage)
            return badPage;
        if (role is not null && !Policies.Roles.All.Contains(role))
            return Problem.Field("role", $"role must be one of: {string.Join(", ", Policies.Roles.All)}.");
        if (q is { Length: > 200 })
            return Problem.Field("q", "The search text must be at most 200 characters.");

        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = SqlLike.Contains(q.Trim().ToLowerInvariant());
            query = query.Where(u => EF.Functions.Like(u.NormalizedEmail, pattern) || EF.Functions.ILike(u.DisplayName, pattern));
        }
        if (role is not null)
            query = query.Where(u => u.Roles.Contains(role));
        var rows = await paging.Apply(query, u => u.Id).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var (page, next) = paging.Cut(rows, u => u.Id, u => UserDto.From(u, now));
        return TypedResults.Ok(new UserPage(page, next));
    }

    static async Task<Results<Ok<UserDto>, ProblemHttpResult>> GetUser(Guid id, IdentityDb db, TimeProvider clock, CancellationToken ct) =>
        await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct) is { } user
            ? TypedResults.Ok(UserDto.From(user, clock.GetUtcNow()))
            : Problem.NotFound("There is no user with this id.");

    static async Task<Results<Ok<UserDto>, ValidationProblem, ProblemHttpResult>> SetRoles(
        Guid id, SetRolesRequest request, ClaimsPrincipal principal, IdentityDb db, TimeProvider clock, CancellationToken ct)
    {
        var unknown = request.Roles.Where(r => r is null || !Policies.Roles.All.Contains(r)).Select(r => r ?? "null").FirstOrDefault();
        if (unknown is not null)
            return Problem.Field("roles", $"'{unknown}' is not a role. Roles: {string.Join(", ", Policies.Roles.All)}.");
        if (id == principal.TryGetUserId() && !request.Roles.Contains(Policies.Roles.Admin))
            return Problem.Conflict("You cannot remove your own admin role; ask another admin.");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await GuardAdminChangeAsync(db, principal, ct) is { } refused)
            return refused;
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
            return Problem.NotFound("There is no user with this id.");
        var now = clock.GetUtcNow();
        user.SetRoles(request.Roles, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(UserDto.From(user, now));
    }

    static async Task<Results<Ok<UserDto>, ProblemHttpResult>> Lock(
        Guid id, ClaimsPrincipal principal, IdentityDb db, RefreshTokenStore refreshTokens, TimeProvider clock, CancellationToken ct)
    {
        if (id == principal.TryGetUserId())
            return Problem.Conflict("You cannot lock your own account.");
        await using var transaction = await db.Database.BeginTransactionAsync(ct); // the user's row stays locked until the sessions are ended
        if (await GuardAdminChangeAsync(db, principal, ct) is { } refused)
            return refused;
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
            return Problem.NotFound("There is no user with this id.");
        var now = clock.GetUtcNow();
        user.Lock(now);
        await db.SaveChangesAsync(ct);
        await refreshTokens.RevokeAllForUserAsync(user.Id, "locked by admin", ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(UserDto.From(user, now));
    }

    /// <summary>
    /// Roles and locks change one at a time (a transaction-level lock), and only by an admin who still is one in the
    /// database: an access token says admin for its whole lifetime after a demotion or a lock. With no admin allowed to
    /// demote or lock themselves, that keeps an admin who can sign in: two admins locking or demoting each other at once
    /// are decided in turn, and the second finds they no longer may.
    /// </summary>
    static async Task<ProblemHttpResult?> GuardAdminChangeAsync(IdentityDb db, ClaimsPrincipal principal, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync($"select pg_advisory_xact_lock({AdminChangesLock})", ct);
        var callerId = principal.TryGetUserId();
        return await db.Users.AnyAsync(u => u.Id == callerId && u.Roles.Contains(Policies.Roles.Admin) && !u.LockedByAdmin, ct)
            ? null
            : Problem.Status(StatusCodes.Status403Forbidden, "No longer an admin", "Your admin role was removed or your account locked since you signed in.");
    }

    /// <summary>The advisory lock that puts changes of who may administer in a row (any constant not used elsewhere).</summary>
    const long AdminChangesLock = 0x4241_5A41_4144_4D4E; // "BAZAADMN"

    static async Task<Results<Ok<UserDto>, ProblemHttpResult>> Unlock(Guid id, ClaimsPrincipal principal, IdentityDb db, TimeProvider clock, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // A locked admin's token would otherwise unlock its own account.
        if (await GuardAdminChangeAsync(db, principal, ct) is { } refused)
            return refused;
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
            return Problem.NotFound("There is no user with this id.");
        var now = clock.GetUtcNow();
        user.Unlock(now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(UserDto.From(user, now));
    }
}
