namespace Bazaar.ServiceDefaults.Auth;

/// <summary>What every service expects of an access token (section <c>Auth</c> of the configuration).</summary>
public sealed class AuthOptions
{
    /// <summary>The <c>iss</c> identity puts in its tokens: the platform's public URL.</summary>
    public string Issuer { get; set; } = "http://localhost:8080";

    /// <summary>The <c>aud</c> every access token must carry.</summary>
    public string Audience { get; set; } = "bazaar";

    /// <summary>Where identity publishes its public keys (an internal address in a cluster).</summary>
    public string JwksUri { get; set; } = "http://127.0.0.1:5101/.well-known/jwks.json";

    /// <summary>Tolerance for clock differences between machines.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long fetched keys are trusted before they are fetched again.</summary>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>An unknown <c>kid</c> triggers a fetch, but not more often than this.</summary>
    public TimeSpan JwksMinimumRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}
