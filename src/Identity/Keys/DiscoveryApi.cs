using Bazaar.ServiceDefaults.Auth;
using Microsoft.Extensions.Options;

namespace Bazaar.Identity.Keys;

/// <summary>The JWKS and the OpenID discovery document, so any service (or tool) can validate Bazaar tokens.</summary>
public static class DiscoveryApi
{
    public static void MapDiscoveryApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/.well-known").WithTags("Discovery").AllowAnonymous();
        group.MapGet("/jwks.json", GetJwks);
        group.MapGet("/openid-configuration", GetConfiguration);
    }

    static async Task<Ok<JsonWebKeySet>> GetJwks(SigningKeyRing keys, HttpContext http, CancellationToken ct)
    {
        await keys.GetSigningKeyAsync(ct); // makes the first key on a fresh database
        var published = await keys.GetPublishedKeysAsync(ct);
        http.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Ok(new JsonWebKeySet([.. published.Select(k => JsonWebKey.FromPublicKey(k.Kid, k.Key))]));
    }

    static Ok<DiscoveryDocument> GetConfiguration(IOptions<AuthOptions> auth)
    {
        var issuer = auth.Value.Issuer.TrimEnd('/');
        return TypedResults.Ok(new DiscoveryDocument(
            Issuer: issuer,
            JwksUri: issuer + "/.well-known/jwks.json",
            TokenEndpoint: issuer + "/api/v1/auth/token",
            IdTokenSigningAlgValuesSupported: [JwtAlgorithms.ES256],
            GrantTypesSupported: ["password", "refresh_token", "client_credentials"],
            ScopesSupported: ["internal"],
            ResponseTypesSupported: ["token"],
            SubjectTypesSupported: ["public"],
            TokenEndpointAuthMethodsSupported: ["client_secret_post", "client_secret_basic"]));
    }

    public sealed record DiscoveryDocument(
        [property: System.Text.Json.Serialization.JsonPropertyName("issuer")] string Issuer,
        [property: System.Text.Json.Serialization.JsonPropertyName("jwks_uri")] string JwksUri,
        [property: System.Text.Json.Serialization.JsonPropertyName("token_endpoint")] string TokenEndpoint,
        [property: System.Text.Json.Serialization.JsonPropertyName("id_token_signing_alg_values_supported")] IReadOnlyList<string> IdTokenSigningAlgValuesSupported,
        [property: System.Text.Json.Serialization.JsonPropertyName("grant_types_supported")] IReadOnlyList<string> GrantTypesSupported,
        [property: System.Text.Json.Serialization.JsonPropertyName("scopes_supported")] IReadOnlyList<string> ScopesSupported,
        [property: System.Text.Json.Serialization.JsonPropertyName("response_types_supported")] IReadOnlyList<string> ResponseTypesSupported,
        [property: System.Text.Json.Serialization.JsonPropertyName("subject_types_supported")] IReadOnlyList<string> SubjectTypesSupported,
        [property: System.Text.Json.Serialization.JsonPropertyName("token_endpoint_auth_methods_supported")] IReadOnlyList<string> TokenEndpointAuthMethodsSupported);
}
