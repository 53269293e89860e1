using Bazaar.Identity.Keys;
using Bazaar.Identity.Passwords;
using Bazaar.Identity.Tokens;
using Bazaar.Identity.Users;
using Bazaar.ServiceDefaults.Email;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Identity;

/// <summary>Identity's database; the schema itself comes from the SQL files in Migrations/.</summary>
public sealed class IdentityDb(DbContextOptions<IdentityDb> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<PasswordResetToken> PasswordResetTokens => Set<PasswordResetToken>();
    public DbSet<SigningKeyRecord> SigningKeys => Set<SigningKeyRecord>();
    public DbSet<OutboxEmail> Outbox => Set<OutboxEmail>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.MapEmailOutbox();
        model.Entity<User>(e =>
        {
            e.ToTable("users");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.Email).HasColumnName("email");
            e.Property(x => x.NormalizedEmail).HasColumnName("normalized_email");
            e.Property(x => x.DisplayName).HasColumnName("display_name");
            e.Property(x => x.PasswordHash).HasColumnName("password_hash");
            e.Property(x => x.Roles).HasColumnName("roles");
            e.Property(x => x.FailedLoginCount).HasColumnName("failed_login_count");
            e.Property(x => x.LockoutEnd).HasColumnName("lockout_end");
            e.Property(x => x.LockedByAdmin).HasColumnName("locked_by_admin");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        });
        model.Entity<RefreshToken>(e =>
        {
            e.ToTable("refresh_tokens");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.UserId).HasColumnName("user_id");
            e.Property(x => x.FamilyId).HasColumnName("family_id");
            e.Property(x => x.TokenHash).HasColumnName("token_hash");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
            e.Property(x => x.UsedAt).HasColumnName("used_at");
            e.Property(x => x.RevokedAt).HasColumnName("revoked_at");
            e.Property(x => x.RevokedReason).HasColumnName("revoked_reason");
        });
        model.Entity<PasswordResetToken>(e =>
        {
            e.ToTable("password_reset_tokens");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.UserId).HasColumnName("user_id");
            e.Property(x => x.TokenHash).HasColumnName("token_hash");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
            e.Property(x => x.UsedAt).HasColumnName("used_at");
        });
        model.Entity<SigningKeyRecord>(e =>
        {
            e.ToTable("signing_keys");
            e.HasKey(x => x.Kid);
            e.Property(x => x.Kid).HasColumnName("kid");
            e.Property(x => x.EncryptedPrivateKey).HasColumnName("encrypted_private_key");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.ActivatesAt).HasColumnName("activates_at");
            e.Property(x => x.RetiredAt).HasColumnName("retired_at");
        });
    }
}
