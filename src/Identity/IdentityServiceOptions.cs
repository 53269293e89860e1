namespace Bazaar.Identity;

/// <summary>Identity's own settings (configuration section <c>Identity</c>).</summary>
public sealed class IdentityServiceOptions
{
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);
    public TimeSpan PasswordResetLifetime { get; set; } = TimeSpan.FromMinutes(30);

    public int MaxFailedLogins { get; set; } = 5;
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Base64 of 32 random bytes; encrypts the signing keys at rest. Comes from a secret store.</summary>
    public string? KeyEncryptionKey { get; set; }

    /// <summary>A new signing key is made when the active one is this old.</summary>
    public TimeSpan KeyRotationInterval { get; set; } = TimeSpan.FromDays(30);

    /// <summary>A new key is published this long before it signs, so every service's JWKS cache has it.</summary>
    public TimeSpan KeyPublishDelay { get; set; } = TimeSpan.FromMinutes(10);

    public RefreshCookieSettings RefreshCookie { get; set; } = new();

    /// <summary>Client id → secret of the services allowed to get an <c>internal</c> token.</summary>
    public Dictionary<string, string> ServiceClients { get; set; } = [];

    public AbuseLimits Limits { get; set; } = new();

    public sealed class RefreshCookieSettings
    {
        public string Name { get; set; } = "bazaar_refresh";

        /// <summary>Off only for plain-HTTP local runs.</summary>
        public bool Secure { get; set; } = true;
    }

    public sealed class AbuseLimits
    {
        public Limit LoginPerAddress { get; set; } = new(20, TimeSpan.FromMinutes(1));
        public Limit LoginPerEmail { get; set; } = new(10, TimeSpan.FromMinutes(15));
        public Limit ForgotPerAddress { get; set; } = new(10, TimeSpan.FromHours(1));
        public Limit ForgotPerEmail { get; set; } = new(3, TimeSpan.FromHours(1));
    }

    public sealed class Limit
    {
        public Limit() { }
        public Limit(int permits, TimeSpan window) { Permits = permits; Window = window; }
        public int Permits { get; set; }
        public TimeSpan Window { get; set; }
    }
}
