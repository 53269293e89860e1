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
    /// Claims the token and issues its successor in one transaction that first takes the user's row in share mode.
    /// Everything that ends a user's sessions (password reset or change, admin lock) updates that row before revoking,
    /// in its own transaction, so the two run one after the other: a revocation never misses a successor being issued.
    /// </summary>
    public async Task<RefreshOutcome> RotateAsync(string token, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var hash = OpaqueToken.Hash(token);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await db.RefreshTokens.Where(t => t.TokenHash == hash).Select(t => (Guid?)t.UserId).FirstOrDefaultAsync(ct) is { } owner)
            await db.Database.ExecuteSqlAsync($"select 1 from users where id = {owner} for share", ct);
        var claimed = await db.Database.SqlQuery<ClaimedToken>($"""
            update refresh_tokens set used_at = {now}
            where token_hash = {hash} and used_at is null and revoked_at is null and expires_at > {now}
            returning user_id as "UserId", family_id as "FamilyId"
            """).ToListAsync(ct);
        if (claimed is [var row])
        {
            var next = await IssueAsync(row.UserId, row.FamilyId, ct);
            // A revocation landing between the claim and the issue (reuse detected, a logout, a password reset or change,
            // an admin lock) reached the claimed token but not the new one: the new one must not outlive it.
            var revoked = await db.RefreshTokens.AsNoTracking().Where(t => t.TokenHash == hash && t.RevokedAt != null)
                .Select(t => t.RevokedReason ?? "revoked").FirstOrDefaultAsync(ct);
            if (revoked is not null)
            {
                await RevokeFamilyAsync(row.FamilyId, revoked, ct);
                await transaction.CommitAsync(ct);
                return revoked == "reuse detected" ? new RefreshOutcome.Reused() : new RefreshOutcome.Invalid();
            }
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

    /// <summary>Logout: revokes the family the token belongs to (a no-op for an unknown token).</summary>
    public async Task RevokeAsync(string token, CancellationToken ct)
    {
        var hash = OpaqueToken.Hash(token);
        var familyId = await db.RefreshTokens.Where(t => t.TokenHash == hash).Select(t => (Guid?)t.FamilyId).FirstOrDefaultAsync(ct);
        if (familyId is { } family)
            await RevokeFamilyAsync(family, "logout", ct);
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
