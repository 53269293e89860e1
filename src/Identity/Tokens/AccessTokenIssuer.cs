using Bazaar.Identity.Keys;
using Bazaar.Identity.Users;
using Bazaar.ServiceDefaults.Auth;
using Microsoft.Extensions.Options;

namespace Bazaar.Identity.Tokens;

public sealed record IssuedAccessToken(string Token, DateTimeOffset ExpiresAt, int ExpiresIn);

/// <summary>Access tokens: ES256 JWTs with sub, email, roles (or the service scope), iss, aud, jti, iat, nbf, exp.</summary>
public sealed class AccessTokenIssuer(SigningKeyRing keys, IOptions<AuthOptions> auth, IOptions<IdentityServiceOptions> options, TimeProvider clock)
{
    public Task<IssuedAccessToken> IssueForUserAsync(User user, CancellationToken ct) =>
        IssueAsync(user.Id.ToString(), new Dictionary<string, object>
        {
            ["email"] = user.Email, ["roles"] = user.Roles.ToArray(),
            ["acct_created"] = user.CreatedAt.ToUnixTimeSeconds(), // risk checks weigh new accounts
        }, ct);

    public Task<IssuedAccessToken> IssueForServiceAsync(string clientId, CancellationToken ct) =>
        IssueAsync(clientId, new Dictionary<string, object> { ["client_id"] = clientId, ["scope"] = Policies.Internal }, ct);

    async Task<IssuedAccessToken> IssueAsync(string subject, Dictionary<string, object> claims, CancellationToken ct)
    {
        var key = await keys.GetSigningKeyAsync(ct);
        var now = clock.GetUtcNow();
        var lifetime = options.Value.AccessTokenLifetime;
        var expires = now + lifetime;
        claims["sub"] = subject;
        claims["iss"] = auth.Value.Issuer;
        claims["aud"] = auth.Value.Audience;
        claims["jti"] = Guid.CreateVersion7(now).ToString("N");
        claims["iat"] = now.ToUnixTimeSeconds();
        claims["nbf"] = now.ToUnixTimeSeconds();
        claims["exp"] = expires.ToUnixTimeSeconds();
        return new IssuedAccessToken(JwtWriter.Write(key.Kid, key.Key, claims), expires, (int)lifetime.TotalSeconds);
    }
}
