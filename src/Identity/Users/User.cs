using Bazaar.ServiceDefaults.Auth;

namespace Bazaar.Identity.Users;

/// <summary>A person who signs in: a shopper, or shop staff with the support or admin role.</summary>
public sealed class User
{
    User() { }

    public Guid Id { get; private set; }
    public string Email { get; private set; } = "";
    public string NormalizedEmail { get; private set; } = "";
    public string DisplayName { get; private set; } = "";
    public string PasswordHash { get; private set; } = "";
    public List<string> Roles { get; private set; } = [];
    public int FailedLoginCount { get; private set; }
    public DateTimeOffset? LockoutEnd { get; private set; }
    public bool LockedByAdmin { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public static User Register(EmailAddress email, string displayName, DateTimeOffset now, IEnumerable<string>? roles = null) => new()
    {
        Id = Guid.CreateVersion7(now),
        Email = email.Value,
        NormalizedEmail = email.Normalized,
        DisplayName = displayName.Trim(),
        Roles = [.. roles ?? [Policies.Roles.Customer]],
        CreatedAt = now,
        UpdatedAt = now,
    };

    public bool IsLockedOut(DateTimeOffset now) => LockedByAdmin || LockoutEnd > now;

    public void SetPasswordHash(string hash, DateTimeOffset now)
    {
        PasswordHash = hash;
        UpdatedAt = now;
    }

    public void ClearFailedLogins()
    {
        FailedLoginCount = 0;
        LockoutEnd = null;
    }

    public void UpdateProfile(string displayName, EmailAddress? email, DateTimeOffset now)
    {
        DisplayName = displayName.Trim();
        if (email is not null)
        {
            Email = email.Value;
            NormalizedEmail = email.Normalized;
        }
        UpdatedAt = now;
    }

    public void SetRoles(IEnumerable<string> roles, DateTimeOffset now)
    {
        Roles = [.. roles.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        UpdatedAt = now;
    }

    public void Lock(DateTimeOffset now)
    {
        LockedByAdmin = true;
        UpdatedAt = now;
    }

    public void Unlock(DateTimeOffset now)
    {
        LockedByAdmin = false;
        ClearFailedLogins();
        UpdatedAt = now;
    }
}

public sealed record UserDto(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles, bool Locked, DateTimeOffset CreatedAt)
{
    public static UserDto From(User user, DateTimeOffset now) =>
        new(user.Id, user.Email, user.DisplayName, user.Roles, user.IsLockedOut(now), user.CreatedAt);
}
