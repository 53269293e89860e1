using Microsoft.AspNetCore.Identity;

namespace Bazaar.Identity.Users;

/// <summary>The framework's PBKDF2 hasher, plus a constant-time "no such user" path so timing does not reveal accounts.</summary>
public sealed class PasswordHashing
{
    readonly PasswordHasher<User> _hasher = new();
    readonly string _dummyHash;

    public PasswordHashing() => _dummyHash = _hasher.HashPassword(null!, "not-a-real-password-" + Guid.NewGuid());

    public string Hash(User user, string password) => _hasher.HashPassword(user, password);

    public PasswordVerificationResult Verify(User user, string password) => _hasher.VerifyHashedPassword(user, user.PasswordHash, password);

    /// <summary>Spends the same work as a real check when the e-mail is unknown.</summary>
    public void VerifyAgainstNobody(string password) => _hasher.VerifyHashedPassword(null!, _dummyHash, password);
}
