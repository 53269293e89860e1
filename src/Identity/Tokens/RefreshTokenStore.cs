using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bazaar.Identity.Tokens;

public abstract record RefreshOutcome
{
    public sealed record Rotated(Guid UserId, string NewToken) : RefreshOutcome;
    public sealed record Invalid : RefreshOutcome;
    /// <summary>An already-rotated token came back: someone copied it. The whole family is now revoked.</summary>
    public sealed record Reused : RefreshOutcome;
}

/// <summary>Issues, rotates and revokes refresh tokens. Rotation is one conditional UPDATE, so two racing uses
/// of the same token cannot both succeed.</summary>
public sealed class RefreshTokenStore(IdentityDb db, IOptions<IdentityServiceOptions> options, TimeProvider clock)
{
    public async Task<string> IssueAsync(Guid userId, Guid? familyId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var token = OpaqueToken.Create();
        db.RefreshTokens.Add(new RefreshToken
        {
            Id = Guid.CreateVersion7(now),
            UserId = userId,
            FamilyId = familyId ?? Guid.CreateVersion7(now),
            TokenHash = OpaqueToken.Hash(token),
            CreatedAt = now,
            ExpiresAt = now + options.Value.RefreshTokenLifetime,
        });
        await db.SaveChangesAsync(ct);
        return token;
    }

    /// <summary>
    /// Claims the token and issues its successor in one transaction that first locks the user's row. Everything that
    /// ends sessions (password reset or change, admin lock, logout, and reuse detected by another rotation) takes that
    /// row first too, in its own transaction, so they run one after the other: a revocation never misses a successor
    /// being issued. (<c>for no key update</c> does not block the foreign-key checks of new tokens or sign-ins.)
    /// </summary>
    public async Task<RefreshOutcome> RotateAsync(string token, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var hash = OpaqueToken.Hash(token);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await db.RefreshTokens.Where(t => t.TokenHash == hash).Select(t => (Guid?)t.UserId).FirstOrDefaultAsync(ct) is { } owner)
            await db.LockUserAsync(owner, ct);
        var claimed = await db.Database.SqlQuery<ClaimedToken>($"""
            update refresh_tokens set used_at = {now}
            where token_hash = {hash} and used_at is null and revoked_at is null and expires_at > {now}
            returning user_id as "UserId", family_id as "FamilyId"
            """).ToListAsync(ct);
        if (claimed is [var row])
        {
            var next = await IssueAsync(row.UserId, row.FamilyId, ct);
            await transaction.CommitAsync(ct);
            return new RefreshOutcome.Rotated(row.UserId, next);
        }

        var existing = await db.RefreshTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, ct);
        if (existing is { UsedAt: not null })
        {
            await RevokeFamilyAsync(existing.FamilyId, "reuse detected", ct);
            await transaction.CommitAsync(ct);
            return new RefreshOutcome.Reused();
        }
        return new RefreshOutcome.Invalid();
    }

    /// <summary>Logout: revokes the family the token belongs to (a no-op for an unknown token), after any rotation of it in progress.</summary>
    public async Task RevokeAsync(string token, CancellationToken ct)
    {
        var hash = OpaqueToken.Hash(token);
        var owner = await db.RefreshTokens.Where(t => t.TokenHash == hash).Select(t => new { t.UserId, t.FamilyId }).FirstOrDefaultAsync(ct);
        if (owner is null)
            return;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.LockUserAsync(owner.UserId, ct);
        await RevokeFamilyAsync(owner.FamilyId, "logout", ct);
        await transaction.CommitAsync(ct);
    }

    public Task RevokeFamilyAsync(Guid familyId, string reason, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.RefreshTokens.Where(t => t.FamilyId == familyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now).SetProperty(t => t.RevokedReason, reason), ct);
    }

    /// <summary>Signs the user out everywhere (password change, reset, admin lock).</summary>
    public Task RevokeAllForUserAsync(Guid userId, string reason, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.RefreshTokens.Where(t => t.UserId == userId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now).SetProperty(t => t.RevokedReason, reason), ct);
    }

    sealed record ClaimedToken(Guid UserId, Guid FamilyId);
}
